/**
 * For benchmarks only: the sparse step graph the export stage now writes ('active' input, queues
 * of future contributions; src/export/surrogate-graphs.ts) for a shipped model whose step.onnx is
 * still the dense form of the one-layer if-paper architecture. The weights are read from the dense
 * step graph (its window taps [j * nIn + s] are the synaptic-conv taps w[j][s][0]); nothing is
 * retrained. It stands in for the re-exported models until they ship.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { buildStepGraph, stepStateSpecs } from '../../src/export/surrogate-graphs.js';
import type { ModelManifest } from '../../src/core/manifest.js';
import type { RegisteredModel } from '../../src/registry/registry.js';
import { buildArchitecture } from '../../src/surrogate/architectures/registry.js';
import type { NetworkWeights } from '../../src/surrogate/architectures/spec.js';

function floats(t: onnxProto.onnx.ITensorProto): Float32Array {
  const raw = t.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function writeQueueFormOf(model: RegisteredModel, modelsDir: string, id: string): void {
  const m = model.manifest;
  if (m.step.input === 'active') throw new Error(`${m.id}: the step graph is already in the sparse form`);
  const params = m.architecture.params as { kernel?: number; activation?: string; layers?: unknown[] };
  if (m.architecture.name !== 'if-paper' || params.layers?.length !== 1)
    throw new Error(`${m.id}: only the one-layer if-paper architecture is converted here`);
  const nIn = m.inputs.nExc + m.inputs.nInh;
  const spec = buildArchitecture('if-paper', nIn, { kernel: params.kernel, activation: params.activation });
  const g = onnxProto.onnx.ModelProto.decode(readFileSync(model.stepPath)).graph!;
  const init = (prefix: string): Float32Array => {
    const t = g.initializer!.find((x) => x.name!.startsWith(`${prefix}_`));
    if (!t) throw new Error(`${model.stepPath}: no initializer ${prefix}_*`);
    return floats(t);
  };
  const weights: NetworkWeights = {
    layers: [{ w: init('conv0_w'), b: init('conv0_b') }],
    spike: { w: init('spike_w'), b: init('spike_b')[0] },
    voltage: { w: init('voltage_w'), b: init('voltage_b')[0] },
  };
  const dir = join(modelsDir, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'step.onnx'), buildStepGraph(spec, weights, `${id}: sparse step form of ${m.id}`));
  copyFileSync(model.cardPath, join(dir, 'card.md'));
  const manifest: ModelManifest = {
    ...m,
    id,
    description: `${m.description} (sparse step graph rebuilt from the shipped weights, for benchmarks)`,
    architecture: { ...m.architecture, params: { ...params, layers: spec.layers } },
    step: { input: 'active', ...stepStateSpecs(spec) },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}
