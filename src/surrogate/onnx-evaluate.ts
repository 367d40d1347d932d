import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Trial } from '../dataset/trial.js';
import type { ModelManifest } from '../core/manifest.js';
import type { TrialPrediction } from './predict.js';
import { denseInput, prepareTrials } from './windows.js';

/**
 * Runs a model directory's sequence.onnx (what the server serves) over whole trials, `batch`
 * trials of equal length per call. Inputs follow the manifest's order: excitatory ids, then inhibitory.
 */
export async function predictWithOnnx(
  modelDir: string,
  manifest: ModelManifest,
  trials: readonly Trial[],
  batch = 8,
): Promise<TrialPrediction[]> {
  const nInputs = manifest.inputs.nExc + manifest.inputs.nInh;
  for (const [i, t] of trials.entries()) {
    if (t.nExc !== manifest.inputs.nExc || t.nInh !== manifest.inputs.nInh) {
      throw new Error(
        `trial ${i} has ${t.nExc}/${t.nInh} synapses; model ${manifest.id} expects ${manifest.inputs.nExc}/${manifest.inputs.nInh}`,
      );
    }
  }
  // targets are not needed here; a neutral scaling keeps prepareTrials happy
  const prepared = prepareTrials(trials, 'spike-bin', { offset: 0, scale: 1 });
  const session = await ort.InferenceSession.create(
    readFileSync(path.join(modelDir, manifest.files.sequence)),
  );
  const out: TrialPrediction[] = [];
  try {
    for (let i = 0; i < prepared.length;) {
      const T = prepared[i].durationMs;
      let j = i;
      while (j < prepared.length && j - i < batch && prepared[j].durationMs === T) j++;
      const x = new Float32Array((j - i) * T * nInputs);
      for (let b = i; b < j; b++)
        denseInput(prepared[b], nInputs, x.subarray((b - i) * T * nInputs, (b - i + 1) * T * nInputs));
      const res = await session.run({ input: new ort.Tensor('float32', x, [j - i, T, nInputs]) });
      const p = res.spike_prob.data as Float32Array;
      const v = res.voltage.data as Float32Array;
      for (let b = 0; b < j - i; b++)
        out.push({ spikeProb: p.slice(b * T, (b + 1) * T), voltage: v.slice(b * T, (b + 1) * T) });
      i = j;
    }
  } finally {
    await session.release();
  }
  return out;
}
