/**
 * Arithmetic of one neuron-step of a causal-conv surrogate (architecture.params.layers), counted
 * as 2 FLOPs per multiply-add. Dense step graph: every layer multiplies its whole window,
 * 2 k C F. Queue (sparse) form: the first layer adds, per spiking synapse, k F taps into its
 * queue (k F FLOPs) and shifts k F values; deeper layers are as dense. Heads: 2 x 2 H.
 * Manifests written by the layer-kind export (layers with a `kind`) are counted by that export's
 * own rule (src/surrogate/architectures/spec.ts; 'dense' is then every synapse spiking). Returns
 * null when the manifest describes neither.
 */
import type { ModelManifest } from '../core/manifest.js';
import type { LayerConfig } from '../surrogate/architectures/spec.js';
import { stepFlops as specStepFlops } from '../surrogate/architectures/spec.js';

interface LayerShape {
  kernel: number;
  filters: number;
}

export function convLayers(manifest: ModelManifest): LayerShape[] | null {
  const layers = manifest.architecture.params.layers;
  if (!Array.isArray(layers) || layers.length === 0) return null;
  const out: LayerShape[] = [];
  for (const l of layers as unknown[]) {
    const { kernel, filters } = (l ?? {}) as Record<string, unknown>;
    if (typeof kernel !== 'number' || typeof filters !== 'number') return null;
    out.push({ kernel, filters });
  }
  return out;
}

export interface StepFlops {
  /** what a dense step graph computes per neuron-step */
  dense: number;
  /** what the queue form computes with `meanActive` spiking synapses per bin */
  queue: number;
}

export function stepFlops(manifest: ModelManifest, meanActive: number): StepFlops | null {
  const nInputs = manifest.inputs.nExc + manifest.inputs.nInh;
  const recorded = manifest.architecture.params.layers;
  // manifests of the layer-kind export record each layer's kind: count with the export's own rule
  const withKinds =
    Array.isArray(recorded) && recorded.every((l) => typeof (l as { kind?: unknown }).kind === 'string');
  if (withKinds) {
    const spec = { arch: manifest.architecture.name, params: {}, nInputs, layers: recorded as LayerConfig[] };
    return { dense: specStepFlops(spec, nInputs), queue: specStepFlops(spec, meanActive) };
  }
  const layers = convLayers(manifest);
  if (!layers) return null;
  let channels = manifest.inputs.nExc + manifest.inputs.nInh;
  let dense = 0;
  let queue = 0;
  layers.forEach((l, i) => {
    const window = 2 * l.kernel * channels * l.filters;
    dense += window;
    queue += i === 0 ? (meanActive + 1) * l.kernel * l.filters : window;
    channels = l.filters;
  });
  const heads = 4 * channels;
  return { dense: dense + heads, queue: queue + heads };
}
