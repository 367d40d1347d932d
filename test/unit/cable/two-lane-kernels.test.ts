import { describe, it, expect } from '@jest/globals';
import { CompartmentEngine, type EngineOptions } from '../../../src/reference/cable/engine.js';
import type { VoltageGrid } from '../../../src/reference/cable/gate-table.js';
import { l5pcCellModel } from '../../../src/reference/cells/l5pc.js';

const model = l5pcCellModel('l5pc-nmda');

/** Pseudo-random synaptic events of one lane: a few per substep on each type. */
function eventSource(seed: number, nExc: number, nInh: number): () => [boolean, number][] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return () => {
    const events: [boolean, number][] = [];
    for (let k = 0; k < 3; k++) {
      events.push([true, Math.floor(next() * nExc)]);
      if (next() < 0.5) events.push([false, Math.floor(next() * nInh)]);
    }
    return events;
  };
}

/** Electrode current of lane l at substep s: lane 1 driven in the first half, lane 0 in the second. */
const current = (lane: number, s: number, substeps: number): number =>
  (lane === 1) === s < substeps / 2 ? 1.2 : 0;

interface Lockstep {
  together: CompartmentEngine;
  alone: CompartmentEngine[];
  /** substeps after which the soma's two lanes were on different sides of the grid's edges */
  disagreeing: number;
}

/** A two-lane engine and each lane's trial alone (one-lane engines), stepped on the same inputs. */
function runBoth(options: EngineOptions, substeps: number, grid: VoltageGrid | undefined): Lockstep {
  const opts: EngineOptions = { ...options, kernels: 'wasm', ...(grid ? { grid } : {}) };
  const together = new CompartmentEngine(model, { ...opts, lanes: 2 });
  const alone = [0, 1].map(() => new CompartmentEngine(model, opts));
  const sources = [0, 1].map((l) => eventSource(17 + l, together.exc.count, together.inh.count));
  const onGrid = (v: number): boolean => !grid || (v >= grid.vMin && v < grid.vMax);
  let disagreeing = 0;
  for (let s = 0; s < substeps; s++) {
    for (let l = 0; l < 2; l++) {
      const i = current(l, s, substeps);
      together.injection[l] = i; // soma = node 0: index l
      alone[l].injection[0] = i;
      for (const [isExc, id] of sources[l]()) {
        if (isExc) {
          together.deliverExc(id, l);
          alone[l].deliverExc(id);
        } else {
          together.deliverInh(id, l);
          alone[l].deliverInh(id);
        }
      }
    }
    together.step();
    for (const a of alone) a.step();
    if (onGrid(together.v[0]) !== onGrid(together.v[1])) disagreeing++;
  }
  return { together, alone, disagreeing };
}

/** Entries of lane l of a lane-interleaved array that differ in any bit from the one-lane array. */
function laneDifferences(interleaved: Float64Array, lane: number, single: Float64Array): number[] {
  expect(interleaved.length).toBe(2 * single.length);
  const out: number[] = [];
  for (let k = 0; k < single.length; k++) if (!Object.is(interleaved[2 * k + lane], single[k])) out.push(k);
  return out;
}

function expectLanesEqualAlone({ together, alone }: Lockstep): void {
  const st = together.snapshot();
  alone.forEach((engine, l) => {
    const sa = engine.snapshot();
    expect({ lane: l, v: laneDifferences(st.v, l, sa.v) }).toEqual({ lane: l, v: [] });
    expect(laneDifferences(st.cai, l, sa.cai)).toEqual([]);
    expect(laneDifferences(together.eca, l, engine.eca)).toEqual([]);
    expect(laneDifferences(st.skZ, l, sa.skZ)).toEqual([]);
    st.gates.forEach((g, k) =>
      expect({ gate: k, differ: laneDifferences(g, l, sa.gates[k]) }).toEqual({ gate: k, differ: [] }),
    );
    st.synapses.forEach((g, k) =>
      expect({ synapses: k, differ: laneDifferences(g, l, sa.synapses[k]) }).toEqual({
        synapses: k,
        differ: [],
      }),
    );
  });
}

describe('two-lane WebAssembly kernels (two trials in lockstep, a node’s lanes as one vector)', () => {
  it('give each lane of the L5PC the state of its trial alone, to the bit (CN dt 0.03125, 50 ms)', () => {
    const run = runBoth({ method: 'crank-nicolson', dt: 0.03125 }, 32 * 50, undefined);
    const { together } = run;
    // the inputs moved both lanes, and the lanes differ, or the comparison says little
    expect(Math.abs(together.v[0] - together.v[1])).toBeGreaterThan(0.1);
    const spread = (l: number): number => {
      const v = Array.from({ length: together.n }, (_, i) => together.v[2 * i + l]);
      return Math.max(...v) - Math.min(...v);
    };
    expect(spread(0)).toBeGreaterThan(1);
    expect(spread(1)).toBeGreaterThan(1);
    expectLanesEqualAlone(run);
  });

  it('give each lane its trial alone under backward Euler (dt 0.025, 30 ms)', () => {
    expectLanesEqualAlone(runBoth({ method: 'backward-euler', dt: 0.025 }, 40 * 30, undefined));
  });

  it('decide per lane where the lanes disagree: one lane off the rate grid, the other on it', () => {
    // a grid of a few mV around rest: the driven lane leaves it while the other stays, in both orders
    const grid: VoltageGrid = { vMin: -76, vMax: -60, step: 0.01 };
    const run = runBoth({ method: 'crank-nicolson', dt: 0.03125 }, 32 * 16, grid);
    expect(run.disagreeing).toBeGreaterThan(20);
    expectLanesEqualAlone(run);
  });

  it('leave an engine of three lanes to the one-lane loops over its slots, which still equal the trial alone', () => {
    const opts: EngineOptions = { method: 'crank-nicolson', dt: 0.03125, kernels: 'wasm' };
    const three = new CompartmentEngine(model, { ...opts, lanes: 3 });
    const one = new CompartmentEngine(model, opts);
    const source = eventSource(5, one.exc.count, one.inh.count);
    for (let s = 0; s < 320; s++) {
      for (const [isExc, id] of source()) {
        if (isExc) {
          three.deliverExc(id, 2);
          one.deliverExc(id);
        } else {
          three.deliverInh(id, 2);
          one.deliverInh(id);
        }
      }
      three.step();
      one.step();
    }
    const lane2 = Float64Array.from({ length: one.n }, (_, i) => three.v[3 * i + 2]);
    expect(Array.from(lane2)).toEqual(Array.from(one.v));
  });
});
