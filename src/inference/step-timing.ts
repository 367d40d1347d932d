/**
 * What one streamed millisecond of a model costs: microseconds of one step of a single stream on
 * the engine a server would use (createStreamBatch's default), with `active` distinct synapses
 * spiking per bin (drawn uniformly).
 */
import type { ModelManifest } from '../core/manifest.js';
import { StepModel } from './step-model.js';
import { type InferenceEngine, createStreamBatch } from './stream-batch.js';

export interface StepTiming {
  microseconds: number;
  steps: number;
  activeSynapses: number;
  /** floats of state per stream in the step graph's form */
  stateFloats: number;
  engine: InferenceEngine;
}

export async function measureStepTime(
  manifest: ModelManifest,
  stepPath: string,
  activeSynapses: number,
  steps = 5000,
): Promise<StepTiming> {
  const model = await StepModel.load(manifest, stepPath);
  const batch = createStreamBatch(model, 1);
  try {
    batch.addSlot();
    const nIn = model.nInputs;
    const count = Math.min(nIn, Math.max(1, Math.round(activeSynapses)));
    let seed = 12345;
    const ids = new Uint32Array(count);
    const input = { offsets: Uint32Array.of(0, count), ids };
    const run = async (n: number): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < count; j++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          ids[j] = seed % nIn;
        }
        await batch.step(input);
      }
      return performance.now() - t0;
    };
    await run(Math.min(1000, steps)); // warm-up (the kernels reach their optimised code after some hundred steps)
    const ms = await run(steps);
    return {
      microseconds: (ms * 1000) / steps,
      steps,
      activeSynapses: count,
      stateFloats: model.states.reduce((n, s) => n + s.rowSize, 0),
      engine: batch.engine,
    };
  } finally {
    await batch.dispose();
    await model.dispose();
  }
}
