import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportModel, readManifest, writeMetrics } from '../../../src/export/model-files.js';
import { foldVoltageTarget } from '../../../src/surrogate/architectures/spec.js';
import { selectBackend } from '../../../src/surrogate/backend.js';
import { loadCheckpoint } from '../../../src/surrogate/checkpoint.js';
import { evaluatePredictions } from '../../../src/surrogate/metrics.js';
import { predictWithOnnx } from '../../../src/surrogate/onnx-evaluate.js';
import { predictTrials, scoredTrials } from '../../../src/surrogate/predict.js';
import { trainSurrogate } from '../../../src/surrogate/train.js';
import { prepareTrials } from '../../../src/surrogate/windows.js';
import { syntheticTrials } from '../surrogate/synthetic-trials.js';

describe('model directory export', () => {
  let dir: string;
  const quiet = (): void => undefined;
  const test = syntheticTrials(3, 7, { durationMs: 900 });

  beforeAll(async () => {
    const backend = await selectBackend(undefined, quiet);
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'neurotwin-export-')), 'tcn-test');
    await trainSurrogate({
      config: {
        arch: 'tcn',
        archParams: { kernels: [5, 3], width: 4 },
        neuron: 'if',
        convention: 'spike-bin',
        epochs: 1,
        stepsPerEpoch: 5,
        batch: 4,
        windowBins: 50,
        validWindows: 4,
        lr: 0.01,
        patience: 2,
        seed: 3,
        lossWeights: { spike: 1, voltage: 1 },
        data: 'synthetic-a',
        valid: 'synthetic-b',
      },
      train: syntheticTrials(3, 5),
      valid: syntheticTrials(2, 6),
      outDir: dir,
      backend,
      command: 'npx neurotwin train --arch tcn ...',
      log: quiet,
    });
  });
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('writes graphs, a complete manifest and a card; onnxruntime on sequence.onnx reproduces tfjs', async () => {
    const state = loadCheckpoint(dir);
    const m = exportModel({ outDir: dir, state, spikeThreshold: 0.3 });
    expect(readdirSync(dir).sort()).toEqual([
      'card.md',
      'checkpoint',
      'manifest.json',
      'sequence.onnx',
      'step.onnx',
    ]);
    const onDisk = readManifest(dir);
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(m)));
    expect(m.id).toBe('tcn-test');
    expect(m.receptiveField).toBe(7);
    expect(m.inputs).toMatchObject({ nExc: 8, nInh: 2 });
    // 5*10*4+4 + 3*4*4+4 + heads 2*(4+1)
    expect(m.architecture.parameterCount).toBe(204 + 52 + 10);
    // the first layer streams as a queue of its 4 future outputs, the second keeps its input history
    expect(m.step.input).toBe('active');
    expect(m.step.inputs).toEqual([
      { name: 'layer0_queue_in', shape: ['batch', 4, 4] },
      { name: 'layer1_history_in', shape: ['batch', 2, 4] },
    ]);
    expect(m.step.outputs.map((s) => s.name)).toEqual(['layer0_queue_out', 'layer1_history_out']);
    expect(m.training).toMatchObject({
      seed: 3,
      epochs: 1,
      commands: ['npx neurotwin train --arch tcn ...'],
    });
    expect(readFileSync(path.join(dir, 'card.md'), 'utf8')).toMatch(/266 parameters/);

    const onnx = await predictWithOnnx(dir, m, test, 2);
    const tfjs = predictTrials(
      state.spec,
      foldVoltageTarget(state.best, state.voltageTarget),
      prepareTrials(test, 'spike-bin', state.voltageTarget),
    );
    let maxDiff = 0;
    onnx.forEach((p, i) => {
      for (let k = 0; k < p.voltage.length; k++) {
        maxDiff = Math.max(
          maxDiff,
          Math.abs(p.voltage[k] - tfjs[i].voltage[k]),
          Math.abs(p.spikeProb[k] - tfjs[i].spikeProb[k]),
        );
      }
    });
    expect(maxDiff).toBeLessThan(1e-4);

    const metrics = evaluatePredictions(scoredTrials(test, onnx, 'spike-bin'), { maxSpikes: 1000 });
    writeMetrics(dir, state, {
      test: metrics,
      data: 'synthetic-test',
      command: 'npx neurotwin evaluate ...',
    });
    expect(readManifest(dir).metrics?.test.spikeAuc).toBe(metrics.spikeAuc);
    expect(readFileSync(path.join(dir, 'card.md'), 'utf8')).toContain(metrics.spikeAuc.toFixed(4));
  });
});
