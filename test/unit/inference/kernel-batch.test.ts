/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 *
 * The resident kernels against the step graph in onnxruntime, on the shipped models (every layer
 * kind: the synaptic queue with k = 80 and k = 1, depthwise rings, dilated and 1×1 convs, both
 * dense paths), with idle slots, slots removed and added mid-run, capacity growth and duplicates.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { ModelRegistry } from '../../../src/registry/registry.js';
import { StepModel } from '../../../src/inference/step-model.js';
import { KernelBatch, kernelsUnsupported } from '../../../src/inference/kernels/kernel-batch.js';
import { ORT_MIN_ROWS } from '../../../src/inference/kernels/dense-gemm.js';
import { ResidentBatch } from '../../../src/inference/resident-batch.js';
import { createStreamBatch, type StepInput } from '../../../src/inference/stream-batch.js';
import { BatchScheduler } from '../../../src/inference/batch-scheduler.js';
import { flattenBins } from '../../../src/core/spikes.js';

const registry = ModelRegistry.load('models');

function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
}

/** One bin of input for n slots: a few ids per slot (with repeats), some slots idle. */
function randomStep(rnd: () => number, n: number, nIn: number, perSlot: number) {
  const offsets = new Uint32Array(n + 1);
  const ids: number[] = [];
  const idle = new Uint8Array(n);
  for (let b = 0; b < n; b++) {
    offsets[b] = ids.length;
    idle[b] = rnd() < 0.1 ? 1 : 0;
    if (idle[b]) continue;
    const count = Math.floor(rnd() * (perSlot + 1));
    for (let j = 0; j < count; j++) ids.push(Math.floor(rnd() * nIn));
    if (count > 0 && rnd() < 0.3) ids.push(ids[ids.length - 1]); // a duplicate counts once
  }
  offsets[n] = ids.length;
  return { input: { offsets, ids: Uint32Array.from(ids) } as StepInput, idle };
}

/** The CSR of n slots by T bins, each row up to maxPerRow − 1 random ids (repeats allowed). */
function randomBlock(rnd: () => number, n: number, T: number, nIn: number, maxPerRow: number): StepInput {
  const offsets = new Uint32Array(n * T + 1);
  const ids: number[] = [];
  for (let r = 0; r < n * T; r++) {
    offsets[r] = ids.length;
    for (let j = Math.floor(rnd() * maxPerRow); j > 0; j--) ids.push(Math.floor(rnd() * nIn));
  }
  offsets[n * T] = ids.length;
  return { offsets, ids: Uint32Array.from(ids) };
}

describe.each(['if-paper', 'if-tcn', 'l5pc-ampa-factored', 'l5pc-nmda-factored'])(
  'KernelBatch on %s',
  (id) => {
    let model: StepModel;
    beforeAll(async () => {
      const m = registry.get(id);
      if (!m) throw new Error(`models/${id} is missing`);
      model = await StepModel.load(m.manifest, m.stepPath);
    });
    afterAll(async () => {
      await model.dispose();
    });

    it('is what the kernels run', () => {
      expect(kernelsUnsupported(model)).toBeNull();
      expect(createStreamBatch(model, 4).engine).toBe('kernels');
      expect(createStreamBatch(model, 4, 'onnx').engine).toBe('onnx');
    });

    it.each([5, ORT_MIN_ROWS + 6])('matches the step graph with %i slots', async (slots) => {
      const kernels = new KernelBatch(model, 4);
      const graph = new ResidentBatch(model, 4);
      for (let i = 0; i < slots; i++) expect(kernels.addSlot()).toBe(graph.addSlot());
      expect(kernels.capacity).toBeGreaterThanOrEqual(slots);
      const rnd = lcg(slots * 31 + id.length);
      const nIn = model.nInputs;
      const perSlot = nIn > 200 ? 12 : 3;
      let worstV = 0;
      let worstP = 0;
      let moved = 0;
      for (let t = 0; t < 240; t++) {
        if (t === 120) {
          // the last slot takes the place of slot 2, then a fresh slot joins at rest
          expect(kernels.removeSlot(2)).toBe(graph.removeSlot(2));
          expect(kernels.addSlot()).toBe(graph.addSlot());
          moved++;
        }
        const { input, idle } = randomStep(rnd, slots, nIn, perSlot);
        await kernels.step(input, idle);
        await graph.step(input, idle);
        for (let b = 0; b < slots; b++) {
          if (idle[b]) continue;
          worstV = Math.max(worstV, Math.abs(kernels.voltage[b] - graph.voltage[b]));
          worstP = Math.max(worstP, Math.abs(kernels.spikeProb[b] - graph.spikeProb[b]));
        }
      }
      expect(moved).toBe(1);
      // float32 sums in a different order: agreement to rounding, far below a twin's error (~0.5 mV)
      expect(worstV).toBeLessThan(5e-4);
      expect(worstP).toBeLessThan(1e-5);
      // and the outputs are live, not both stuck at rest
      expect(Number.isFinite(kernels.voltage[0])).toBe(true);
      await kernels.dispose();
    });

    it('refuses a bad synapse id before changing any state', async () => {
      const batch = new KernelBatch(model, 2);
      batch.addSlot();
      const rest: StepInput = { offsets: Uint32Array.of(0, 0), ids: new Uint32Array(0) };
      await batch.step(rest);
      const bad: StepInput = { offsets: Uint32Array.of(0, 1), ids: Uint32Array.of(model.nInputs) };
      await expect(batch.step(bad)).rejects.toThrow(
        `synapse id ${model.nInputs} is not in [0, ${model.nInputs})`,
      );
      await batch.step(rest);
      const again = new KernelBatch(model, 2);
      again.addSlot();
      await again.step(rest);
      await again.step(rest);
      // the refused bin left no trace: two good bins each, the same outputs to the bit
      expect(batch.voltage[0]).toBe(again.voltage[0]);
      expect(batch.spikeProb[0]).toBe(again.spikeProb[0]);
      await batch.dispose();
      await again.dispose();
    });
  },
);

describe('engine choice', () => {
  it('names the reason when the kernels cannot run a model, and refuses unknown engines', async () => {
    const m = registry.get('if-paper')!;
    const model = await StepModel.load(m.manifest, m.stepPath);
    try {
      const dense = { ...model.manifest, step: { ...model.manifest.step, input: 'input' as const } };
      const asDense = Object.assign(
        Object.create(Object.getPrototypeOf(model) as object) as StepModel,
        model,
        {
          manifest: dense,
        },
      );
      expect(kernelsUnsupported(asDense)).toMatch(/dense input/);
      expect(() => createStreamBatch(asDense, 4, 'kernels')).toThrow(/dense input/);
      expect(createStreamBatch(asDense, 4).engine).toBe('onnx');
      expect(() => createStreamBatch(model, 4, 'gpu' as never)).toThrow("unknown inference engine 'gpu'");
    } finally {
      await model.dispose();
    }
  });
});

describe('ShardedBatch', () => {
  it('steps like one KernelBatch, across removals and idle slots, and refuses bad ids up front', async () => {
    const m = registry.get('l5pc-ampa-factored')!;
    const model = await StepModel.load(m.manifest, m.stepPath);
    const sharded = createStreamBatch(model, 4, 'kernels', 2);
    const single = new KernelBatch(model, 4);
    try {
      for (let i = 0; i < 9; i++) expect(sharded.addSlot()).toBe(single.addSlot());
      const rnd = lcg(99);
      let worst = 0;
      for (let t = 0; t < 120; t++) {
        if (t === 40) {
          // the last slot is renumbered as 3, then 0's place is taken, then a fresh one joins
          expect(sharded.removeSlot(3)).toBe(single.removeSlot(3));
          expect(sharded.removeSlot(0)).toBe(single.removeSlot(0));
          expect(sharded.addSlot()).toBe(single.addSlot());
        }
        const { input, idle } = randomStep(rnd, sharded.size, model.nInputs, 12);
        await sharded.step(input, idle);
        await single.step(input, idle);
        for (let b = 0; b < sharded.size; b++) {
          if (!idle[b]) worst = Math.max(worst, Math.abs(sharded.voltage[b] - single.voltage[b]));
        }
      }
      // and in blocks of bins, which shard 0 (this thread) and the worker step at the same time
      for (const T of [5, 16, 3]) {
        const n = sharded.size;
        const input = randomBlock(rnd, n, T, model.nInputs, 12);
        const idle = Uint8Array.from({ length: n }, () => (rnd() < 0.2 ? 1 : 0));
        await sharded.step(input, idle, T);
        await single.step(input, idle, T);
        for (let r = 0; r < n * T; r++) {
          if (!idle[Math.floor(r / T)])
            worst = Math.max(worst, Math.abs(sharded.voltage[r] - single.voltage[r]));
        }
      }
      // the same kernels on the same rows, but the depthwise layer's period sums go through
      // onnxruntime's GEMM over however many slots of a shard enter a period, and its summation
      // order may depend on that count: float rounding of a -70 mV voltage, not more
      expect(worst).toBeLessThan(1e-4);
      const bad: StepInput = {
        offsets: Uint32Array.from({ length: sharded.size + 1 }, (_, i) => (i === 0 ? 0 : 1)),
        ids: Uint32Array.of(model.nInputs + 5),
      };
      await expect(sharded.step(bad)).rejects.toThrow(`synapse id ${model.nInputs + 5} is not in`);
    } finally {
      await sharded.dispose();
      await single.dispose();
      await model.dispose();
    }
  });
});

describe('BatchScheduler in blocks of bins', () => {
  it('gives every stream the outputs it gets bin by bin, whatever its jobs and their lengths', async () => {
    const m = registry.get('if-tcn')!;
    const model = await StepModel.load(m.manifest, m.stepPath);
    const blocked = new BatchScheduler(model, 2);
    const oneByOne = new BatchScheduler(model, 2, undefined, { maxBins: 1 });
    try {
      const rnd = lcg(5);
      const { nExc, nInh } = model.manifest.inputs;
      const bins = (count: number) =>
        flattenBins(
          Array.from({ length: count }, () => ({
            exc: Array.from({ length: Math.floor(rnd() * 3) }, () => Math.floor(rnd() * nExc)),
            inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * nInh)),
          })),
        );
      // jobs of 1 to 40 bins, queued at once on five streams: blocks of every size, job boundaries
      const jobs = Array.from({ length: 5 }, () =>
        Array.from({ length: 4 }, () => bins(1 + Math.floor(rnd() * 40))),
      );
      const run = async (sched: BatchScheduler) => {
        const streams = jobs.map(() => sched.open());
        const outs = await Promise.all(streams.flatMap((s, i) => jobs[i].map((j) => sched.submit(s, j))));
        for (const s of streams) sched.close(s);
        return { outs, runs: sched.runs, rows: sched.rowsStepped };
      };
      const a = await run(blocked);
      const b = await run(oneByOne);
      expect(a.rows).toBe(b.rows);
      expect(a.runs).toBeLessThan(b.runs);
      let worst = 0;
      a.outs.forEach((o, i) => {
        expect(o.firstBin).toBe(b.outs[i].firstBin);
        for (let k = 0; k < o.voltage.length; k++)
          worst = Math.max(worst, Math.abs(o.voltage[k] - b.outs[i].voltage[k]));
      });
      expect(worst).toBeLessThan(5e-4);
    } finally {
      await blocked.dispose();
      await oneByOne.dispose();
      await model.dispose();
    }
  });
});

describe('KernelBatch blocks', () => {
  it.each([
    ['l5pc-nmda-factored', 7, 16],
    ['l5pc-ampa-factored', 60, 3],
    ['if-paper', 5, 9],
  ] as const)(
    '%s: %i slots stepped %i bins at a time equal the same bins one by one',
    async (id, slots, T) => {
      const m = registry.get(id)!;
      const model = await StepModel.load(m.manifest, m.stepPath);
      const byBlock = new KernelBatch(model, 4);
      const byBin = new KernelBatch(model, 4);
      try {
        for (let i = 0; i < slots; i++) {
          byBlock.addSlot();
          byBin.addSlot();
        }
        const rnd = lcg(T);
        let worst = 0;
        for (let round = 0; round < 6; round++) {
          const rows = Array.from({ length: slots * T }, () =>
            Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * model.nInputs)),
          );
          const idle = Uint8Array.from({ length: slots }, () => (rnd() < 0.2 ? 1 : 0));
          const csr = (pick: (b: number) => number[]): StepInput => {
            const offsets = new Uint32Array(slots * T + 1);
            const ids: number[] = [];
            const count = offsets.length - 1;
            for (let r = 0; r < count; r++) {
              offsets[r] = ids.length;
              ids.push(...pick(r));
            }
            offsets[count] = ids.length;
            return { offsets, ids: Uint32Array.from(ids) };
          };
          await byBlock.step(
            csr((r) => rows[r]),
            idle,
            T,
          );
          const blockVoltage = byBlock.voltage.slice(0, slots * T);
          for (let t = 0; t < T; t++) {
            const offsets = new Uint32Array(slots + 1);
            const ids: number[] = [];
            for (let b = 0; b < slots; b++) {
              offsets[b] = ids.length;
              ids.push(...rows[b * T + t]);
            }
            offsets[slots] = ids.length;
            await byBin.step({ offsets, ids: Uint32Array.from(ids) }, idle);
            for (let b = 0; b < slots; b++) {
              if (!idle[b]) worst = Math.max(worst, Math.abs(byBin.voltage[b] - blockVoltage[b * T + t]));
            }
          }
        }
        expect(worst).toBeLessThan(5e-4);
        await expect(
          byBlock.step({ offsets: new Uint32Array(slots * 17 + 1), ids: new Uint32Array(0) }, null, 17),
        ).rejects.toThrow('bins per step must be an integer in [1, 16], got 17');
      } finally {
        await byBlock.dispose();
        await byBin.dispose();
        await model.dispose();
      }
    },
  );
});

describe('KernelBatch depthwise paths', () => {
  it('sums an 80-ms depthwise layer by blocks, by periods and by the ring kernel alike, whatever the mix of block sizes', async () => {
    const m = registry.get('l5pc-nmda-factored')!;
    const model = await StepModel.load(m.manifest, m.stepPath);
    const auto = new KernelBatch(model, 8, { depthwise: 'auto' });
    const ring = new KernelBatch(model, 8, { depthwise: 'ring' });
    try {
      const slots = 40; // enough for the block product (10+ bins) and the partitioned sums (16+ slots)
      for (let i = 0; i < slots; i++) expect(auto.addSlot()).toBe(ring.addSlot());
      const rnd = lcg(7);
      // blocks that cross 16-bin periods anywhere, block products between partitioned steps
      const blocks = [1, 1, 3, 16, 5, 1, 7, 2, 16, 9, 1, 4, 16, 16, 1, 11, 2, 3, 1, 1, 6, 13, 1, 16];
      let worst = 0;
      for (const [i, T] of blocks.entries()) {
        if (i === 12) {
          // a slot leaves mid-run and its place is taken by the last one; a fresh one joins
          expect(auto.removeSlot(5)).toBe(ring.removeSlot(5));
          expect(auto.addSlot()).toBe(ring.addSlot());
        }
        const idle = Uint8Array.from({ length: slots }, () => (rnd() < 0.15 ? 1 : 0));
        const input = randomBlock(rnd, slots, T, model.nInputs, 10);
        await auto.step(input, idle, T);
        await ring.step(input, idle, T);
        for (let b = 0; b < slots; b++) {
          if (idle[b]) continue;
          for (let t = 0; t < T; t++)
            worst = Math.max(worst, Math.abs(auto.voltage[b * T + t] - ring.voltage[b * T + t]));
        }
      }
      expect(worst).toBeLessThan(5e-4);
      // and the slots' voltages differ with their inputs: not two batches compared at rest
      const last = Array.from(auto.voltage.subarray(0, slots * blocks[blocks.length - 1]));
      expect(Math.max(...last) - Math.min(...last)).toBeGreaterThan(0.1);
    } finally {
      await auto.dispose();
      await ring.dispose();
      await model.dispose();
    }
  });
});
