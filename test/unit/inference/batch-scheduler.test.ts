/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelRegistry } from '../../../src/registry/registry.js';
import { StepModel } from '../../../src/inference/step-model.js';
import { BatchScheduler } from '../../../src/inference/batch-scheduler.js';
import { flattenBins, findBadSynapse } from '../../../src/core/spikes.js';
import { tinyModelReference, writeTinyModel } from '../../fixtures/tiny-step-model.js';
import { queueModelReference, queueWeights, writeQueueModel } from '../../fixtures/queue-step-model.js';

function randomBins(seed: number, count: number, nExc: number, nInh: number) {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
  return Array.from({ length: count }, () => ({
    exc: Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * nExc)),
    inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * nInh)),
  }));
}

describe.each(['input', 'active'] as const)('BatchScheduler on a hand-built %s step graph', (form) => {
  let dir: string;
  let model: StepModel;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-inf-'));
    writeTinyModel(dir, { id: 'tiny', nExc: 8, nInh: 4, input: form });
    const reg = ModelRegistry.load(dir);
    const m = reg.get('tiny')!;
    model = await StepModel.load(m.manifest, m.stepPath);
  });
  afterAll(async () => {
    await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('steps one stream like the plain-TypeScript equations', async () => {
    const sched = new BatchScheduler(model, 4);
    const s = sched.open();
    const bins = randomBins(1, 50, 8, 4);
    bins[3] = { exc: [2, 2, 5], inh: [1, 1] }; // duplicates count once
    const out = await sched.submit(s, flattenBins(bins));
    const want = tinyModelReference(bins);
    expect(out.firstBin).toBe(0);
    for (let i = 0; i < bins.length; i++) {
      expect(out.voltage[i]).toBeCloseTo(want.voltage[i], 3);
      expect(out.spikeProb[i]).toBeCloseTo(want.spikeProb[i], 4);
    }
  });

  it('keeps streams independent when they share runs, with more streams than the batch', async () => {
    const sched = new BatchScheduler(model, 3);
    const streams = Array.from({ length: 5 }, () => sched.open());
    const inputs = streams.map((_, i) => randomBins(10 + i, 30 + 7 * i, 8, 4));
    // each stream gets its bins in two chunks, submitted interleaved
    const pending = streams.flatMap((s, i) => {
      const half = Math.floor(inputs[i].length / 2);
      return [
        sched.submit(s, flattenBins(inputs[i].slice(0, half))),
        sched.submit(s, flattenBins(inputs[i].slice(half))),
      ];
    });
    const outs = await Promise.all(pending);
    streams.forEach((_, i) => {
      const [a, b] = [outs[2 * i], outs[2 * i + 1]];
      expect(b.firstBin).toBe(a.voltage.length);
      const got = [...a.voltage, ...b.voltage];
      const want = tinyModelReference(inputs[i]).voltage;
      expect(got.length).toBe(want.length);
      got.forEach((v, k) => expect(v).toBeCloseTo(want[k], 3));
    });
    expect(sched.runs).toBeLessThan(sched.rowsStepped); // some runs carried several streams
    expect(sched.rowsStepped).toBe(inputs.reduce((a, b) => a + b.length, 0));
  });

  it('keeps a stream that closes, and one that opens, from disturbing the others', async () => {
    const sched = new BatchScheduler(model, 2);
    const [a, b, c] = [sched.open(), sched.open(), sched.open()];
    const ins = [randomBins(21, 40, 8, 4), randomBins(22, 40, 8, 4), randomBins(23, 40, 8, 4)];
    const pa = sched.submit(a, flattenBins(ins[0]));
    const pb = sched.submit(b, flattenBins(ins[1]));
    const pc = sched.submit(c, flattenBins(ins[2].slice(0, 20)));
    await new Promise((r) => setTimeout(r, 1));
    sched.close(a); // a's slot is taken over by the last stream between runs
    await expect(pa).rejects.toThrow('surrogate stream closed');
    const d = sched.open();
    const late = randomBins(24, 30, 8, 4);
    const [ob, oc, od] = await Promise.all([pb, pc, sched.submit(d, flattenBins(late))]);
    const oc2 = await sched.submit(c, flattenBins(ins[2].slice(20)));
    const check = (got: ArrayLike<number>, want: number[]) =>
      Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    check(ob.voltage, tinyModelReference(ins[1]).voltage);
    check([...oc.voltage, ...oc2.voltage], tinyModelReference(ins[2]).voltage);
    check(od.voltage, tinyModelReference(late).voltage); // starts at rest in a reused slot
    expect(sched.openStreams).toBe(3);
  });

  it('numbers bins correctly when a chunk is submitted while an earlier one is being stepped', async () => {
    const sched = new BatchScheduler(model, 2);
    const s = sched.open();
    const bins = randomBins(5, 60, 8, 4);
    const first = sched.submit(s, flattenBins(bins.slice(0, 40)));
    await new Promise((r) => setTimeout(r, 1)); // let a few runs happen
    const second = await sched.submit(s, flattenBins(bins.slice(40)));
    expect((await first).firstBin).toBe(0);
    expect(second.firstBin).toBe(40);
    const want = tinyModelReference(bins).voltage.slice(40);
    Array.from(second.voltage).forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
  });
});

describe('BatchScheduler on a sparse queue-form convolution', () => {
  it('matches the direct convolution for streams of different lengths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-queue-'));
    try {
      writeQueueModel(dir, { id: 'queue', nExc: 8, nInh: 4, kernel: 6, seed: 3 });
      const m = ModelRegistry.load(dir).get('queue')!;
      const model = await StepModel.load(m.manifest, m.stepPath);
      const q = queueWeights(8, 4, 6, 3);
      const sched = new BatchScheduler(model, 1);
      const inputs = [randomBins(31, 25, 8, 4), randomBins(32, 60, 8, 4), randomBins(33, 5, 8, 4)];
      const outs = await Promise.all(inputs.map((bins) => sched.submit(sched.open(), flattenBins(bins))));
      outs.forEach((out, i) => {
        const want = queueModelReference(q, inputs[i]);
        Array.from(out.voltage).forEach((v, k) => expect(v).toBeCloseTo(want.voltage[k], 3));
        Array.from(out.spikeProb).forEach((p, k) => expect(p).toBeCloseTo(want.spikeProb[k], 4));
      });
      await model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BatchScheduler on the resident kernels, long jobs', () => {
  let model: StepModel;
  beforeAll(async () => {
    const m = ModelRegistry.load('models').get('if-paper')!;
    model = await StepModel.load(m.manifest, m.stepPath);
  });
  afterAll(async () => {
    await model.dispose();
  });

  /** One stream's bins alone, bin by bin, on the step graph in onnxruntime. */
  async function alone(bins: ReturnType<typeof randomBins>): Promise<Float32Array> {
    const sched = new BatchScheduler(model, 1, undefined, { engine: 'onnx', maxBins: 1 });
    const out = await sched.submit(sched.open(), flattenBins(bins));
    await sched.dispose();
    return out.voltage;
  }

  it.each([1, undefined])(
    'hands every stream its own outputs over hundreds of bins (at most %s bins per run), one closing midway',
    async (maxBins) => {
      const { nExc, nInh } = model.manifest.inputs;
      let runs = 0;
      // one-bin runs: past a full stage (64 bins); blocks of up to 16: before stream 2's last bins
      const closeAt = maxBins === 1 ? 100 : 8;
      // closes a stream from inside a run (as a socket's close would between two awaits): its slot is
      // taken by the last stream, whose outputs are not all handed out yet
      const sched: BatchScheduler = new BatchScheduler(
        model,
        2,
        () => {
          if (++runs === closeAt) sched.close(streams[2]);
        },
        { engine: 'kernels', maxBins },
      );
      const lengths = [150, 300, 260, 77, 280];
      const inputs = lengths.map((n, i) => randomBins(40 + i, n, nExc, nInh));
      const streams = inputs.map(() => sched.open());
      // each stream's bins in three chunks, all queued at once
      const cuts = inputs.map((bins) => [
        0,
        Math.floor(bins.length / 3),
        Math.floor((2 * bins.length) / 3),
        bins.length,
      ]);
      const chunks = streams.map((s, i) =>
        [0, 1, 2].map((c) => sched.submit(s, flattenBins(inputs[i].slice(cuts[i][c], cuts[i][c + 1])))),
      );
      await expect(Promise.all(chunks[2])).rejects.toThrow('surrogate stream closed');
      for (const [i, bins] of inputs.entries()) {
        if (i === 2) continue;
        const outs = await Promise.all(chunks[i]);
        outs.forEach((o, c) => expect(o.firstBin).toBe(cuts[i][c]));
        const got = outs.flatMap((o) => Array.from(o.voltage));
        const want = await alone(bins);
        expect(got.length).toBe(want.length);
        let worst = 0;
        for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
        expect(worst).toBeLessThan(5e-4);
        // outputs that move: not streams compared at rest
        expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.1);
      }
      expect(runs).toBeGreaterThan(closeAt);
      await sched.dispose();
    },
  );
});

describe('flat bins', () => {
  it('finds out-of-range synapse ids', () => {
    expect(findBadSynapse(flattenBins([{ exc: [7] }, { inh: [3] }]), 8, 4)).toBeNull();
    expect(findBadSynapse(flattenBins([{ exc: [1] }, { exc: [8] }]), 8, 4)).toEqual({
      bin: 1,
      text: 'excitatory id 8 is not in [0, 8)',
    });
    expect(findBadSynapse(flattenBins([{ inh: [4] }]), 8, 4)?.bin).toBe(0);
  });
});
