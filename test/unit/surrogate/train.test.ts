import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectBackend } from '../../../src/surrogate/backend.js';
import { checkpointPath, loadCheckpoint, type TrainConfig } from '../../../src/surrogate/checkpoint.js';
import { evaluatePredictions } from '../../../src/surrogate/metrics.js';
import { predictTrials, scoredTrials } from '../../../src/surrogate/predict.js';
import { foldVoltageTarget } from '../../../src/surrogate/architectures/spec.js';
import { trainSurrogate } from '../../../src/surrogate/train.js';
import { prepareTrials } from '../../../src/surrogate/windows.js';
import { syntheticTrials } from './synthetic-trials.js';

const train = syntheticTrials(6, 1);
const valid = syntheticTrials(2, 2);
const test = syntheticTrials(3, 3, { durationMs: 1500 });

function config(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    arch: 'if-paper',
    archParams: { kernel: 12 },
    neuron: 'if',
    convention: 'spike-bin',
    epochs: 3,
    stepsPerEpoch: 25,
    batch: 8,
    windowBins: 100,
    validWindows: 16,
    lr: 0.02,
    patience: 5,
    seed: 42,
    lossWeights: { spike: 1, voltage: 0.5 },
    data: 'synthetic-train',
    valid: 'synthetic-valid',
    ...over,
  };
}

describe('surrogate training on synthetic linear-threshold data', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'neurotwin-train-'));
    dirs.push(d);
    return d;
  };
  const quiet = (): void => undefined;
  let backend: string;
  beforeAll(async () => {
    backend = await selectBackend(undefined, quiet);
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('lowers the loss, checkpoints every epoch, and the best model predicts held-out trials well', async () => {
    const out = tmp();
    const res = await trainSurrogate({ config: config(), train, valid, outDir: out, backend, log: quiet });
    expect(res.history).toHaveLength(3);
    const first = res.history[0];
    const last = res.history[res.history.length - 1];
    expect(last.trainLoss).toBeLessThan(first.trainLoss);
    expect(res.bestValid).toBeLessThan(first.validLoss);
    expect(existsSync(checkpointPath(out))).toBe(true);
    expect(readdirSync(path.dirname(checkpointPath(out))).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // the target is a linear filter of the inputs: a trained linear unit should explain most of it
    const preds = predictTrials(
      res.spec,
      foldVoltageTarget(res.best, res.voltageTarget),
      prepareTrials(test, 'spike-bin', res.voltageTarget),
    );
    const m = evaluatePredictions(scoredTrials(test, preds, 'spike-bin'), { maxSpikes: 1000 });
    expect(m.spikeAuc).toBeGreaterThan(0.9);
    expect(m.explainedVariance).toBeGreaterThan(0.6);
  });

  it('is reproducible for a seed and resumes from the checkpoint', async () => {
    const a = tmp();
    const b = tmp();
    const runA = await trainSurrogate({
      config: config({ epochs: 2 }),
      train,
      valid,
      outDir: a,
      backend,
      log: quiet,
    });
    const runB = await trainSurrogate({
      config: config({ epochs: 2 }),
      train,
      valid,
      outDir: b,
      backend,
      log: quiet,
    });
    expect(Array.from(runB.best.layers[0].w)).toEqual(Array.from(runA.best.layers[0].w));
    expect(runB.history.map((h) => h.trainLoss)).toEqual(runA.history.map((h) => h.trainLoss));

    const saved = loadCheckpoint(a);
    expect(saved.epoch).toBe(2);
    expect(Array.from(saved.current.layers[0].w)).toEqual(Array.from(runA.state.current.layers[0].w));

    const lines: string[] = [];
    const resumed = await trainSurrogate({
      config: config({ epochs: 4 }),
      train,
      valid,
      outDir: a,
      backend,
      log: (l) => lines.push(l),
    });
    expect(lines[0]).toMatch(/resuming from checkpoint: 2 epochs done/);
    expect(resumed.history).toHaveLength(4);
    expect(resumed.history.slice(0, 2)).toEqual(runA.history);
    expect(loadCheckpoint(a).epoch).toBe(4);

    await expect(
      trainSurrogate({
        config: config({ epochs: 4, lr: 0.5 }),
        train,
        valid,
        outDir: a,
        backend,
        log: quiet,
      }),
    ).rejects.toThrow(/lr=0.02/);
  });

  it('stops early when validation does not improve for `patience` epochs', async () => {
    const res = await trainSurrogate({
      // steps far below float32 resolution: the validation loss cannot improve after the first epoch,
      // whatever windows the seed draws
      config: config({ epochs: 50, patience: 1, lr: 1e-12, stepsPerEpoch: 2 }),
      train,
      valid,
      outDir: tmp(),
      backend,
      log: quiet,
    });
    expect(res.history.length).toBeLessThan(50);
    expect(res.state.finished).toBe(true);
    expect(res.state.epochsSinceBest).toBe(1);
  });

  it('a finished run given more training data resumes from its best epoch with fresh patience', async () => {
    const dir = tmp();
    const stopped = await trainSurrogate({
      config: config({ epochs: 50, patience: 1, lr: 1e-12, stepsPerEpoch: 2 }),
      train,
      valid,
      outDir: dir,
      backend,
      log: quiet,
    });
    expect(stopped.state.finished).toBe(true);
    const lines: string[] = [];
    const more = await trainSurrogate({
      config: config({
        epochs: stopped.state.epoch + 1,
        patience: 1,
        lr: 1e-12,
        stepsPerEpoch: 2,
        data: 'synthetic-train,more',
      }),
      train: [...train, ...syntheticTrials(2, 9)],
      valid,
      outDir: dir,
      backend,
      log: (l) => lines.push(l),
    });
    expect(lines.some((l) => l.includes('training data changed'))).toBe(true);
    expect(more.state.epoch).toBe(stopped.state.epoch + 1);
    expect(more.state.config.data).toBe('synthetic-train,more');
    // the same data again: nothing to do
    const again = await trainSurrogate({
      config: config({
        epochs: more.state.epoch + 5,
        patience: 1,
        lr: 1e-12,
        stepsPerEpoch: 2,
        data: 'synthetic-train,more',
      }),
      train: [...train, ...syntheticTrials(2, 9)],
      valid,
      outDir: dir,
      backend,
      log: quiet,
    });
    expect(again.state.epoch).toBe(more.state.epoch);
  });

  it('weight decay shrinks every weight but the biases by (1 − lr·decay) per step', async () => {
    // with both loss weights 0 the gradients vanish and Adam moves nothing: only the decay acts
    const still = { lossWeights: { spike: 0, voltage: 0 }, epochs: 1, stepsPerEpoch: 10 };
    const plain = await trainSurrogate({
      config: config(still),
      train,
      valid,
      outDir: tmp(),
      backend,
      log: quiet,
    });
    const decayed = await trainSurrogate({
      config: config({ ...still, weightDecay: 0.5 }),
      train,
      valid,
      outDir: tmp(),
      backend,
      log: quiet,
    });
    const factor = (1 - 0.02 * 0.5) ** 10;
    const w0 = plain.best.layers[0].w;
    const w1 = decayed.best.layers[0].w;
    expect(w0.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < w0.length; i++) expect(w1[i]).toBeCloseTo(w0[i] * factor, 5);
    expect(Array.from(decayed.best.layers[0].b)).toEqual(Array.from(plain.best.layers[0].b));
    expect(decayed.best.spike.w[0]).toBeCloseTo(plain.best.spike.w[0] * factor, 5);
  });

  it('continues at --new-data-lr when a resumed run brings more data, and only then', async () => {
    const dir = tmp();
    // a zero loss never improves after epoch 1: a drop after every further epoch but a run's last
    const flat = { lossWeights: { spike: 0, voltage: 0 }, patience: 9, lrDropPatience: 1, stepsPerEpoch: 2 };
    const run = (epochs: number, data: string, lines: string[]) =>
      trainSurrogate({
        config: config({ ...flat, epochs, data }),
        train,
        valid,
        outDir: dir,
        backend,
        newDataLr: 0.01,
        log: (l) => lines.push(l),
      });
    const lines: string[] = [];
    expect((await run(3, 'synthetic-train', lines)).state.lrScale).toBe(0.5);
    // the same data: the option does not apply, the drops go on (one, at epoch 4)
    expect((await run(5, 'synthetic-train', lines)).state.lrScale).toBe(0.25);
    expect(lines.some((l) => l.startsWith('new data'))).toBe(false);
    // more data: back to 0.01 = 0.5 × lr, then one drop (at epoch 6) to 0.25, not 0.25 → 0.125
    expect((await run(7, 'synthetic-train,more', lines)).state.lrScale).toBe(0.25);
    expect(lines).toContainEqual('new data: learning rate 0.0100');
  });

  it('goes back to the best weights at half the learning rate after lrDropPatience epochs without progress', async () => {
    const lines: string[] = [];
    const res = await trainSurrogate({
      // a zero loss never improves after the first epoch
      config: config({
        lossWeights: { spike: 0, voltage: 0 },
        epochs: 8,
        patience: 5,
        lrDropPatience: 2,
        stepsPerEpoch: 2,
      }),
      train,
      valid,
      outDir: tmp(),
      backend,
      log: (l) => lines.push(l),
    });
    expect(res.state.epoch).toBe(6);
    expect(res.state.lrScale).toBe(0.25);
    expect(lines.filter((l) => l.includes('learning rate'))).toEqual([
      expect.stringContaining('back to epoch 1, learning rate 0.0100'),
      expect.stringContaining('back to epoch 1, learning rate 0.00500'),
    ]);
    await expect(
      trainSurrogate({
        config: config({ weightDecay: -1 }),
        train,
        valid,
        outDir: tmp(),
        backend,
        log: quiet,
      }),
    ).rejects.toThrow(/weight decay must be a non-negative number/);
  });

  it('rejects bad settings with a clear message', async () => {
    await expect(
      trainSurrogate({ config: config({ batch: 0 }), train, valid, outDir: tmp(), backend, log: quiet }),
    ).rejects.toThrow(/batch must be a positive integer/);
    await expect(
      trainSurrogate({ config: config({ arch: 'nope' }), train, valid, outDir: tmp(), backend, log: quiet }),
    ).rejects.toThrow(/unknown architecture 'nope'/);
  });
});
