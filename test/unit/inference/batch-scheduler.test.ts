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
import { flattenBins } from '../../../src/core/spikes.js';
import { tinyModelReference, writeTinyModel } from '../../fixtures/tiny-step-model.js';

function randomBins(seed: number, count: number, nExc: number, nInh: number) {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
  return Array.from({ length: count }, () => ({
    exc: Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * nExc)),
    inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * nInh)),
  }));
}

describe('BatchScheduler on a hand-built step graph', () => {
  let dir: string;
  let model: StepModel;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-inf-'));
    writeTinyModel(dir, { id: 'tiny', nExc: 8, nInh: 4 });
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
