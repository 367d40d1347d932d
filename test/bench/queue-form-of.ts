/**
 * For benchmarks only: the queue form (test/fixtures/queue-step-model.ts) of a shipped dense step
 * graph with one linear conv layer of one filter (if-paper), its weights read from step.onnx. It
 * stands in for the re-exported sparse models until the export stage writes them.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { RegisteredModel } from '../../src/registry/registry.js';
import { writeQueueModel, type QueueWeights } from '../fixtures/queue-step-model.js';

function floats(t: onnxProto.onnx.ITensorProto): Float32Array {
  const raw = t.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function writeQueueFormOf(model: RegisteredModel, modelsDir: string, id: string): void {
  const m = model.manifest;
  const layers = m.architecture.params.layers as { kernel: number; filters: number; activation: string }[];
  if (layers?.length !== 1 || layers[0].filters !== 1 || layers[0].activation !== 'linear')
    throw new Error(`${m.id}: only one linear conv layer of one filter converts to the queue fixture`);
  const g = onnxProto.onnx.ModelProto.decode(readFileSync(model.stepPath)).graph!;
  const init = (prefix: string): Float32Array => {
    const t = g.initializer!.find((x) => x.name!.startsWith(`${prefix}_`));
    if (!t) throw new Error(`${model.stepPath}: no initializer ${prefix}_*`);
    return floats(t);
  };
  const { nExc, nInh } = m.inputs;
  const n = nExc + nInh;
  const K = layers[0].kernel;
  const dense = init('conv0_w'); // window row j (0 = oldest, K-1 = the current bin), channel c
  const w = new Float32Array(K * n);
  for (let lag = 0; lag < K; lag++) for (let s = 0; s < n; s++) w[lag * n + s] = dense[(K - 1 - lag) * n + s];
  const weights: QueueWeights = {
    nExc,
    nInh,
    kernel: K,
    w,
    b: init('conv0_b')[0],
    voltageGain: init('voltage_w')[0],
    voltageBias: init('voltage_b')[0],
    spikeGain: init('spike_w')[0],
    spikeBias: init('spike_b')[0],
  };
  writeQueueModel(
    modelsDir,
    { id },
    { weights, spikeThreshold: m.spikeThreshold, description: `queue form of ${m.id}` },
  );
}
