import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetBytes, haveWorker } from './dataset-bytes.js';
import { generateDataset } from '../../../src/dataset/generate.js';
import { batchSize } from '../../../src/dataset/run-batch.js';
import { TrialRunner } from '../../../src/dataset/simulate-trial.js';
import type { Trial } from '../../../src/dataset/trial.js';

const plain = (t: Trial): Record<string, unknown> => ({
  ...t,
  exc: [Array.from(t.exc.times), Array.from(t.exc.ids)],
  inh: [Array.from(t.inh.times), Array.from(t.inh.ids)],
  somaVoltage: Array.from(t.somaVoltage),
  spikeTimes: Array.from(t.spikeTimes),
  spikeLabels: Array.from(t.spikeLabels),
  dendriticVoltage: t.dendriticVoltage ? Array.from(t.dendriticVoltage) : undefined,
});

describe('trials of a compartmental cell in lockstep (TrialRunner.runLockstep)', () => {
  it('gives every trial exactly as run() alone, dendritic voltages included, also after a pair', () => {
    const T = 80;
    const runner = new TrialRunner('l5pc-nmda', T, { recordDendrites: true });
    expect(runner.canLockstep).toBe(true);
    const [a, b] = runner.runLockstep([101, 202]);
    const alone = new TrialRunner('l5pc-nmda', T, { recordDendrites: true });
    expect(plain(a)).toEqual(plain(alone.run(101)));
    expect(plain(b)).toEqual(plain(alone.run(202)));
    expect(Array.from(a.somaVoltage)).not.toEqual(Array.from(b.somaVoltage));
    // the runner's single-trial cell is untouched by the pair, and a second pair starts afresh
    expect(plain(runner.run(202))).toEqual(plain(b));
    expect(plain(runner.runLockstep([202, 101])[1])).toEqual(plain(a));
  });

  it('is refused for the point neuron with a one-line error', () => {
    const runner = new TrialRunner('if', 50);
    expect(runner.canLockstep).toBe(false);
    expect(() => runner.runLockstep([1, 2])).toThrow(
      "cell 'if' is a point neuron: trials in lockstep need a compartmental cell",
    );
  });
});

describe('generate with trials in lockstep (lanes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-lanes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = { cell: 'l5pc-nmda', trials: 3, durationMs: 60, baseSeed: 5 };

  it('writes the same data with lanes 1 and 2, in this thread and on two workers', async () => {
    const runs: { lanes: number; workers: number }[] = [
      { lanes: 1, workers: 0 },
      { lanes: 2, workers: 0 },
      ...(haveWorker ? [{ lanes: 2, workers: 2 }] : []),
    ];
    const files: string[] = [];
    for (const { lanes, workers } of runs) {
      const out = join(dir, `lanes${lanes}-w${workers}.h5`);
      const result = await generateDataset({ ...base, out, lanes, workers });
      expect(result.computed).toBe(3);
      files.push(out);
    }
    const reference = await datasetBytes(files[0]);
    expect(reference.size).toBeGreaterThan(5);
    for (const f of files.slice(1)) expect(await datasetBytes(f)).toEqual(reference);
  });

  it('refuses a lane count other than 1 or 2, and lanes for a point neuron', async () => {
    const out = join(dir, 'bad.h5');
    await expect(generateDataset({ ...base, out, lanes: 3 })).rejects.toThrow('lanes must be 1 or 2, got 3');
    await expect(generateDataset({ ...base, cell: 'if', out, lanes: 2 })).rejects.toThrow(
      "cell 'if' is a point neuron: trials in lockstep (lanes) need a compartmental cell",
    );
  });

  it('hands out full batches while every idle worker can get one, then single trials', () => {
    expect(batchSize(8, 2, 2)).toBe(2);
    expect(batchSize(4, 2, 2)).toBe(2);
    expect(batchSize(3, 2, 2)).toBe(1);
    expect(batchSize(2, 2, 1)).toBe(2);
    expect(batchSize(1, 2, 1)).toBe(1);
    expect(batchSize(5, 1, 2)).toBe(1);
  });
});
