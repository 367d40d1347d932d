/**
 * The layer kinds a surrogate can be built from, by name. The catalogue owns the names: an
 * architecture is a list of configurations whose `kind` is one of these.
 */
import { conv, type ConvConfig } from './conv.js';
import { depthwiseConv, type DepthwiseConvConfig } from './depthwise-conv.js';
import type { LayerKind } from './layer-kind.js';
import { synapticConv, type SynapticConvConfig } from './synaptic-conv.js';

export type LayerConfig = SynapticConvConfig | ConvConfig | DepthwiseConvConfig;
export type LayerKindName = LayerConfig['kind'];

const KINDS: Record<LayerKindName, LayerKind<LayerConfig>> = {
  'synaptic-conv': synapticConv as LayerKind<LayerConfig>,
  conv: conv as LayerKind<LayerConfig>,
  'depthwise-conv': depthwiseConv as LayerKind<LayerConfig>,
};

export function layerKindNames(): LayerKindName[] {
  return Object.keys(KINDS) as LayerKindName[];
}

/** The kind of a layer configuration; throws naming the unknown kind. */
export function kindOf(config: { kind: string }): LayerKind<LayerConfig> {
  const kind = Object.prototype.hasOwnProperty.call(KINDS, config.kind)
    ? KINDS[config.kind as LayerKindName]
    : undefined;
  if (!kind)
    throw new Error(`unknown layer kind '${String(config.kind)}' (known: ${layerKindNames().join(', ')})`);
  return kind;
}
