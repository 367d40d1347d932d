/**
 * Arithmetic of one neuron-step of a causal-conv surrogate (architecture.params.layers), counted
 * as 2 FLOPs per multiply-add. Dense step graph: every layer multiplies its whole window,
 * 2 k C F. Queue (sparse) form: the first layer adds, per spiking synapse, k F taps into its
 * queue (k F FLOPs) and shifts k F values; deeper layers are as dense. Heads: 2 x 2 H.
 * Returns null when the manifest does not describe conv layers.
 */
import type { ModelManifest } from '../registry/manifest.js';

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
