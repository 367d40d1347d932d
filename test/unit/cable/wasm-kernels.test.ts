import { describe, it, expect } from '@jest/globals';
import { HEAP_STORE, MeasuringStore, WasmArrayStore } from '../../../src/reference/cable/array-store.js';
import { CompartmentEngine, type EngineOptions } from '../../../src/reference/cable/engine.js';
import { readFileSync } from 'node:fs';
import { hasDataSection, kernelsAvailable } from '../../../src/reference/cable/wasm-kernels.js';
import { l5pcCellModel } from '../../../src/reference/cells/l5pc.js';

const model = l5pcCellModel('l5pc-nmda');

/** The same engine twice, with the kernels (required: `npm run build` makes them) and in plain JS. */
function pair(options: EngineOptions): [CompartmentEngine, CompartmentEngine] {
  const wasm = new CompartmentEngine(model, { ...options, kernels: 'wasm' });
  const js = new CompartmentEngine(model, { ...options, kernels: 'js' });
  return [wasm, js];
}

/** Steps both engines with the same pseudo-random synaptic events (a few per ms on each type). */
function drive(engines: CompartmentEngine[], substeps: number, seed: number): void {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const { exc, inh } = engines[0];
  for (let s = 0; s < substeps; s++) {
    const events: [boolean, number][] = [];
    for (let k = 0; k < 3; k++) {
      events.push([true, Math.floor(next() * exc.count)]);
      if (next() < 0.5) events.push([false, Math.floor(next() * inh.count)]);
    }
    for (const eng of engines) {
      for (const [isExc, id] of events) {
        if (isExc) eng.deliverExc(id);
        else eng.deliverInh(id);
      }
      eng.step();
    }
  }
}

/** Indices where two arrays differ in any bit (NaN equals NaN). */
function differences(a: Float64Array, b: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

function expectSameState(a: CompartmentEngine, b: CompartmentEngine): void {
  const sa = a.snapshot();
  const sb = b.snapshot();
  expect(differences(sa.v, sb.v)).toEqual([]);
  expect(differences(sa.cai, sb.cai)).toEqual([]);
  expect(differences(a.eca, b.eca)).toEqual([]);
  expect(differences(sa.skZ, sb.skZ)).toEqual([]);
  sa.gates.forEach((g, k) =>
    expect({ gate: k, differ: differences(g, sb.gates[k]) }).toEqual({ gate: k, differ: [] }),
  );
  sa.synapses.forEach((g, k) => expect(differences(g, sb.synapses[k])).toEqual([]));
}

describe('WebAssembly kernels of the compartmental engine', () => {
  it('are built and used by default', () => {
    expect(kernelsAvailable('wasm')).toBe(true);
    expect(new CompartmentEngine(model).usesKernels).toBe(true);
    expect(new CompartmentEngine(model, { kernels: 'js' }).usesKernels).toBe(false);
  });

  it('give the L5PC the same state to the bit as the JS loops (Crank–Nicolson, dataset default)', () => {
    const engines = pair({ method: 'crank-nicolson', dt: 0.03125 });
    expect(engines.map((e) => e.usesKernels)).toEqual([true, false]);
    drive(engines, 32 * 150, 7);
    // the input must have moved the cell, or the comparison says little
    expect(Math.max(...engines[0].v) - Math.min(...engines[0].v)).toBeGreaterThan(1);
    expectSameState(...engines);
  });

  it('give the same state to the bit under backward Euler, with an electrode current', () => {
    const engines = pair({ method: 'backward-euler', dt: 0.025 });
    for (const e of engines) e.injection[0] = 0.8;
    drive(engines, 40 * 60, 11);
    expectSameState(...engines);
  });

  it('leave members off the rate-table grid to the exact functions, in order, as the JS loops do', () => {
    const engines = pair({ method: 'crank-nicolson', dt: 0.03125 });
    drive(engines, 320, 3);
    // nodes with channels and synapses clamped beyond the ±200 mV grid
    const nodes = [0, engines[0].channels[0].nodes[5], engines[0].exc.nodes[3], engines[0].exc.nodes[40]];
    for (const e of engines) {
      e.setClamp(nodes);
      nodes.forEach((i, k) => e.setClampLevel(i, k % 2 ? -250 : 230));
      for (let s = 0; s < 3; s++) e.step();
    }
    expect(nodes.map((i) => Math.abs(engines[0].v[i]) > 200)).toEqual([true, true, true, true]);
    expectSameState(...engines);
  });

  it('are skipped by channels with exact rates, which still agree with the JS engine', () => {
    const engines = pair({ method: 'crank-nicolson', dt: 0.03125, rates: 'exact' });
    drive(engines, 64, 5);
    expectSameState(...engines);
  });

  it('advance channels on identical nodes as one bundle (the L5PC: Kv3.1, Im and the Ca channels), JS alone', () => {
    const bundles = (e: CompartmentEngine): string[][] =>
      [...new Set(e.channels.map((c) => c.bundledWith.join(',')).filter((b) => b !== ''))].map((b) =>
        b.split(','),
      );
    const [wasm, js] = pair({ method: 'crank-nicolson', dt: 0.03125 });
    expect(bundles(wasm)).toContainEqual(['Kv31', 'Im', 'CaHVA', 'CaLVA']);
    expect(bundles(js)).toEqual([]);
  });

  it('keep no static data in their memory (the engine places its arrays from byte 0)', () => {
    expect(hasDataSection(readFileSync('dist/wasm/cable-kernels.wasm'))).toBe(false);
    // a module with one empty data segment: header, then section 11 of 3 bytes
    const withData = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 11, 3, 1, 1, 0);
    expect(hasDataSection(withData)).toBe(true);
  });

  it('refuse an unknown choice with a one-line error', () => {
    expect(() => new CompartmentEngine(model, { kernels: 'gpu' as never })).toThrow(
      "unknown kernels 'gpu' (auto, wasm or js)",
    );
  });
});

describe('array stores', () => {
  it('place an array on the heap as itself, in a kernel memory as one shared copy', () => {
    const source = Float64Array.from([1, 2, 3]);
    expect(HEAP_STORE.place(source)).toBe(source);
    const buffer = new ArrayBuffer(1024);
    const store = new WasmArrayStore(buffer, 0);
    const copy = store.place(source);
    expect(copy).not.toBe(source);
    expect(copy.buffer).toBe(buffer);
    expect(Array.from(copy)).toEqual([1, 2, 3]);
    expect(store.place(source)).toBe(copy);
    expect(copy.byteOffset % 16).toBe(0);
  });

  it('measure exactly the bytes a kernel memory needs, and say when one is too small', () => {
    const build = (s: MeasuringStore | WasmArrayStore): void => {
      s.f64(3);
      s.i32(5);
      s.u8(7);
      s.place(shared);
      s.place(shared);
    };
    const shared = Int32Array.from([4, 5]);
    const measuring = new MeasuringStore();
    build(measuring);
    expect(measuring.bytes).toBe(32 + 32 + 16 + 16);
    expect(() => build(new WasmArrayStore(new ArrayBuffer(measuring.bytes), 0))).not.toThrow();
    expect(() => build(new WasmArrayStore(new ArrayBuffer(measuring.bytes - 16), 0))).toThrow(
      'kernel memory exhausted: 96 bytes needed, 80 reserved',
    );
  });
});
