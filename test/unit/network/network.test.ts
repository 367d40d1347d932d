/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { Network } from '../../../src/network/index.js';
import { ModelRegistry, type RegisteredModel } from '../../../src/registry/registry.js';
import { StepModel } from '../../../src/inference/step-model.js';
import { BatchScheduler } from '../../../src/inference/batch-scheduler.js';
import { flattenBins } from '../../../src/core/spikes.js';
import { createNeuron } from '../../../src/reference/cells/registry.js';
import { writeTinyModel } from '../../fixtures/tiny-step-model.js';
import { writeQueueModel } from '../../fixtures/queue-step-model.js';
import { EventList } from '../../../src/network/events.js';
import { makeDrive } from '../../../src/network/drive.js';

let dir: string;
let tiny: RegisteredModel;
let queue: RegisteredModel;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nt-net-'));
  writeTinyModel(dir, { id: 'tiny', nExc: 16, nInh: 4 });
  writeQueueModel(dir, { id: 'queue', nExc: 8, nInh: 4, kernel: 5, seed: 2 });
  const reg = ModelRegistry.load(dir);
  tiny = reg.get('tiny')!;
  queue = reg.get('queue')!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Network', () => {
  it('routes a spike to its target with the given delay and weight', async () => {
    const net = new Network({ seed: 3 });
    const a = await net.twins('a', { model: tiny, size: 1 });
    const b = await net.twins('b', { model: tiny, size: 1 });
    // 12 distinct excitatory synapses in bin 5 push a over threshold (s = 12 > 10) in that bin;
    // 4 inhibitory ones in bin 6 bring it back under (s = 11.4 - 4)
    net.drive(a, {
      kind: 'spikes',
      times: [6, 6, 6, 6],
      neurons: [0, 0, 0, 0],
      synapses: [0, 1, 2, 3],
      synapse: 'inh',
    });
    net.drive(a, {
      kind: 'spikes',
      times: new Array<number>(12).fill(5),
      neurons: new Array<number>(12).fill(0),
      synapses: Array.from({ length: 12 }, (_, i) => i),
      synapse: 'exc',
    });
    net.connect(a, b, { rule: { kind: 'all-to-all' }, synapse: 'exc', synapseId: 14, weight: 4, delay: 3 });
    const spikesA = net.recordSpikes(a);
    const spikesB = net.recordSpikes(b);
    const vb = net.recordVoltage(b);
    const r = await net.run(20);
    expect(Array.from(spikesA.times.subarray(0, spikesA.count))).toEqual([5]);
    expect(spikesB.count).toBe(0);
    expect(r.events).toBe(4);
    const v = vb.values();
    // weight 4 = synapses 14, 15, 0, 1 (wrapping in the excitatory pool): drive 4 at bin 8
    expect(v[7]).toBeCloseTo(-75, 4);
    expect(v[8]).toBeCloseTo(-75 + 2 * 4, 4);
    expect(v[9]).toBeCloseTo(-75 + 2 * 4 * 0.95, 4);
    await net.dispose();
  });

  it('without connections gives the voltages of independent streams', async () => {
    const nExc = 8;
    const nInh = 4;
    const size = 6;
    const T = 60;
    let x = 11;
    const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
    const times: number[] = [];
    const neurons: number[] = [];
    const synapses: number[] = [];
    const kinds: ('exc' | 'inh')[] = [];
    const bins = Array.from({ length: size }, () =>
      Array.from({ length: T }, () => ({ exc: [] as number[], inh: [] as number[] })),
    );
    for (let i = 0; i < 400; i++) {
      const t = Math.floor(rnd() * T);
      const n = Math.floor(rnd() * size);
      const inh = rnd() < 0.3;
      const s = Math.floor(rnd() * (inh ? nInh : nExc));
      times.push(t);
      neurons.push(n);
      synapses.push(s);
      kinds.push(inh ? 'inh' : 'exc');
      (inh ? bins[n][t].inh : bins[n][t].exc).push(s);
    }
    const pick = (k: 'exc' | 'inh') => {
      const idx = kinds.flatMap((kk, i) => (kk === k ? [i] : []));
      return {
        times: idx.map((i) => times[i]),
        neurons: idx.map((i) => neurons[i]),
        synapses: idx.map((i) => synapses[i]),
      };
    };
    const net = new Network();
    const pop = await net.twins('p', { model: queue, size });
    net.drive(pop, { kind: 'spikes', ...pick('exc'), synapse: 'exc' });
    net.drive(pop, { kind: 'spikes', ...pick('inh'), synapse: 'inh' });
    const rec = net.recordVoltage(pop);
    await net.run(T / 2);
    await net.run(T / 2); // two runs continue where the first stopped
    const model = await StepModel.load(queue.manifest, queue.stepPath);
    const sched = new BatchScheduler(model, 2);
    const outs = await Promise.all(bins.map((b) => sched.submit(sched.open(), flattenBins(b))));
    const v = rec.values();
    expect(v.length).toBe(T * size);
    for (let n = 0; n < size; n++)
      for (let t = 0; t < T; t++) expect(v[t * size + n]).toBeCloseTo(outs[n].voltage[t], 4);
    await model.dispose();
    await net.dispose();
  });

  it('steps reference I&F cells like lone cells on the same inputs, and writes SONATA spikes', async () => {
    const size = 3;
    const T = 300;
    let x = 5;
    const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
    const bins = Array.from({ length: size }, () =>
      Array.from({ length: T }, () => ({
        exc: Array.from({ length: Math.floor(rnd() * 5) }, () => Math.floor(rnd() * 80)),
        inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * 20)),
      })),
    );
    const train = (k: 'exc' | 'inh') => {
      const times: number[] = [];
      const neurons: number[] = [];
      const synapses: number[] = [];
      bins.forEach((b, n) =>
        b.forEach((bin, t) => bin[k].forEach((s) => (times.push(t), neurons.push(n), synapses.push(s)))),
      );
      return { kind: 'spikes' as const, times, neurons, synapses, synapse: k };
    };
    const net = new Network({ seed: 5 });
    const pop = net.reference('ref', { cell: 'if', size });
    net.drive(pop, train('exc'));
    net.drive(pop, train('inh'));
    const rec = net.recordVoltage(pop, [0, 2]);
    const spikes = net.recordSpikes(pop);
    const r = await net.run(T);
    const out = { bin: 0, voltage: 0, spike: false };
    let loneSpikes = 0;
    for (const n of [0, 1, 2]) {
      const lone = createNeuron('if');
      for (let t = 0; t < T; t++) {
        expect(lone.step(bins[n][t].exc, bins[n][t].inh, out)).toBe(true);
        if (out.spike) loneSpikes++;
        if (n !== 1) expect(rec.values()[t * 2 + (n === 0 ? 0 : 1)]).toBeCloseTo(out.voltage, 3);
      }
    }
    expect(r.spikes.ref).toBe(loneSpikes);
    expect(loneSpikes).toBeGreaterThan(0);
    const path = join(dir, 'run.h5');
    await net.write(path);
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'r');
    const ts = f.get('spikes/ref/timestamps') as InstanceType<typeof h5wasm.Dataset>;
    const ids = f.get('spikes/ref/node_ids') as InstanceType<typeof h5wasm.Dataset>;
    expect(Array.from(ts.value as Float64Array)).toEqual(Array.from(spikes.times.subarray(0, spikes.count)));
    expect(Array.from(ids.value as BigUint64Array, Number)).toEqual(
      Array.from(spikes.neurons.subarray(0, spikes.count)),
    );
    const data = f.get('report/ref/data') as InstanceType<typeof h5wasm.Dataset>;
    expect(data.shape).toEqual([T, 2]);
    f.close();
    await net.dispose();
  });

  it('draws Poisson drive at the given rates', () => {
    const sink = new EventList();
    const drive = makeDrive({ kind: 'poisson', excHz: 50, inhHz: 200 }, 40, 80, 20, 7);
    let exc = 0;
    let inh = 0;
    let maxNeuron = 0;
    for (let t = 0; t < 500; t++) {
      sink.clear();
      drive.addEvents(t, sink);
      for (let e = 0; e < sink.length; e++) {
        maxNeuron = Math.max(maxNeuron, sink.neurons[e]);
        if (sink.ids[e] < 80) exc++;
        else inh++;
      }
    }
    expect(maxNeuron).toBe(39);
    // expected 40 * 80 * 500 * 0.05 = 80,000 and 40 * 20 * 500 * 0.2 = 80,000; sd about 280
    expect(Math.abs(exc - 80_000)).toBeLessThan(1500);
    expect(Math.abs(inh - 80_000)).toBeLessThan(1500);
  });

  it('refuses bad projections and drives with a message naming the problem', async () => {
    const net = new Network();
    const a = await net.twins('a', { model: tiny, size: 2 });
    expect(() => net.connect(a, a, { rule: { kind: 'all-to-all' }, synapse: 'exc', delay: 0 })).toThrow(
      /delay must be whole ms >= 1/,
    );
    expect(() => net.connect(a, a, { rule: { kind: 'all-to-all' }, synapse: 'inh', weight: 9 })).toThrow(
      /weight must be an integer in \[1, 4\]/,
    );
    expect(() => net.drive(a, { kind: 'paper' })).toThrow(/80 \+ 20 synapses/);
    expect(() =>
      net.drive(a, { kind: 'spikes', times: [0], neurons: [2], synapses: [0], synapse: 'exc' }),
    ).toThrow(/neuron 2 is not in \[0, 2\)/);
    await net.dispose();
  });
});
