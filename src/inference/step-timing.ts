/**
 * What one streamed millisecond of a model costs: microseconds of one step.onnx call for a single
 * stream, with `active` synapses spiking per bin (drawn uniformly), state fed back as in streaming.
 */
import ort from 'onnxruntime-node';
import type { ModelManifest } from '../core/manifest.js';
import { StepModel } from './step-model.js';

export interface StepTiming {
  microseconds: number;
  steps: number;
  activeSynapses: number;
  stateFloats: number;
}

export async function measureStepTime(
  manifest: ModelManifest,
  stepPath: string,
  activeSynapses: number,
  steps = 2000,
): Promise<StepTiming> {
  const model = await StepModel.load(manifest, stepPath);
  try {
    const nIn = model.nInputs;
    const slots = Math.max(1, Math.round(activeSynapses));
    let seed = 12345;
    const nextId = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % nIn;
    };
    let state: Record<string, ort.Tensor> = {};
    for (const s of model.states)
      state[s.inputName] = new ort.Tensor('float32', new Float32Array(s.rowSize), [1, ...s.rowShape]);
    const feedsFor = (): Record<string, ort.Tensor> => {
      if (model.inputForm === 'active') {
        const ids = new BigInt64Array(slots);
        for (let j = 0; j < slots; j++) ids[j] = BigInt(nextId());
        return { active: new ort.Tensor('int64', ids, [1, slots]), ...state };
      }
      const x = new Float32Array(nIn);
      for (let j = 0; j < slots; j++) x[nextId()] = 1;
      return { input: new ort.Tensor('float32', x, [1, nIn]), ...state };
    };
    const run = async (n: number): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const out = await model.session.run(feedsFor());
        const next: Record<string, ort.Tensor> = {};
        for (const s of model.states) next[s.inputName] = out[s.outputName] as ort.Tensor;
        state = next;
      }
      return performance.now() - t0;
    };
    await run(Math.min(200, steps)); // warm-up
    const ms = await run(steps);
    return {
      microseconds: (ms * 1000) / steps,
      steps,
      activeSynapses: slots,
      stateFloats: model.states.reduce((n, s) => n + s.rowSize, 0),
    };
  } finally {
    await model.dispose();
  }
}
