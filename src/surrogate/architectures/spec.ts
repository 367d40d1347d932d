/**
 * Framework-free description of a surrogate: a stack of layers (kinds in ../layers/catalogue.ts),
 * the first reading the synapses, followed by two scalar heads on the last layer (a sigmoid spike
 * head and a linear voltage head). Training (tfjs) and export (ONNX) both read this and the plain
 * weights below.
 */
import { kindOf, type LayerConfig } from '../layers/catalogue.js';
import type { LayerWeights } from '../layers/layer-kind.js';

export type { Activation } from '../layers/layer-kind.js';
export type { LayerConfig } from '../layers/catalogue.js';
export type { LayerWeights } from '../layers/layer-kind.js';

export interface NetworkSpec {
  /** registry name, e.g. 'if-paper' */
  arch: string;
  /** the options it was built from (recorded in the manifest) */
  params: Record<string, unknown>;
  nInputs: number;
  layers: LayerConfig[];
}

/** A scalar affine head: out = sum_h w[h] * hidden[h] + b. */
export interface HeadWeights {
  w: Float32Array;
  b: number;
}

export interface NetworkWeights {
  layers: LayerWeights[];
  /** produces the spike logit (sigmoid applied after) */
  spike: HeadWeights;
  /** produces the voltage; in mV once the target scaling is folded in (see foldVoltageTarget) */
  voltage: HeadWeights;
}

/** Voltage target used in training: (clipped soma mV - offset) / scale. */
export interface VoltageTarget {
  offset: number;
  scale: number;
}

/** Input channels of every layer (the first reads the synapses). */
export function layerInputs(spec: Pick<NetworkSpec, 'layers' | 'nInputs'>): number[] {
  const inputs: number[] = [];
  let c = spec.nInputs;
  for (const l of spec.layers) {
    inputs.push(c);
    c = kindOf(l).outChannels(l, c);
  }
  return inputs;
}

/** Bins of history an output depends on, the current bin included: sum of the layers' history + 1. */
export function receptiveField(spec: Pick<NetworkSpec, 'layers'>): number {
  return spec.layers.reduce((acc, l) => acc + kindOf(l).history(l), 0) + 1;
}

export function hiddenSize(spec: Pick<NetworkSpec, 'layers' | 'nInputs'>): number {
  const last = spec.layers[spec.layers.length - 1];
  const inputs = layerInputs(spec);
  return kindOf(last).outChannels(last, inputs[inputs.length - 1]);
}

export function parameterCount(spec: NetworkSpec): number {
  const inputs = layerInputs(spec);
  let n = 0;
  spec.layers.forEach((l, i) => {
    for (const dims of Object.values(kindOf(l).shapes(l, inputs[i]))) n += dims.reduce((a, b) => a * b, 1);
  });
  return n + 2 * (hiddenSize(spec) + 1);
}

/** Floating-point operations of one streamed millisecond (2 per multiply-add), `active` synapses spiking. */
export function stepFlops(spec: NetworkSpec, active: number): number {
  const inputs = layerInputs(spec);
  let macs = 2 * hiddenSize(spec);
  spec.layers.forEach((l, i) => (macs += kindOf(l).stepMacs(l, inputs[i], active)));
  return 2 * macs;
}

/**
 * Rough bytes one training step needs: every layer's tensors, the dense input window, and weights
 * with their gradients and Adam's two moments.
 */
export function trainingBytes(
  spec: NetworkSpec,
  batch: number,
  windowBins: number,
  eventsPerBin: number,
): number {
  const inputs = layerInputs(spec);
  let length = windowBins + receptiveField(spec) - 1;
  let bytes = batch * length * spec.nInputs * 4 * 2 + parameterCount(spec) * 4 * 4;
  spec.layers.forEach((l, i) => {
    const kind = kindOf(l);
    bytes += kind.trainingBytes(l, inputs[i], batch, length, eventsPerBin);
    length -= kind.history(l);
  });
  return bytes;
}

/** Voltage head rewritten to output mV: scale * (w·h + b) + offset. */
export function foldVoltageTarget(weights: NetworkWeights, target: VoltageTarget): NetworkWeights {
  const w = new Float32Array(weights.voltage.w.length);
  for (let i = 0; i < w.length; i++) w[i] = weights.voltage.w[i] * target.scale;
  return { ...weights, voltage: { w, b: weights.voltage.b * target.scale + target.offset } };
}

export function validateSpec(spec: NetworkSpec): void {
  if (!Number.isInteger(spec.nInputs) || spec.nInputs < 1)
    throw new Error(`nInputs must be a positive integer, got ${spec.nInputs}`);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0)
    throw new Error(`architecture '${spec.arch}' has no layers`);
  let c = spec.nInputs;
  spec.layers.forEach((l, i) => {
    const kind = kindOf(l);
    if (kind.readsSynapses !== (i === 0)) {
      throw new Error(
        i === 0
          ? `layer 0 ('${l.kind}') must read the synapses (e.g. 'synaptic-conv')`
          : `layer ${i}: '${l.kind}' reads the synapses and can only be the first layer`,
      );
    }
    try {
      kind.validate(l, c);
    } catch (err) {
      throw new Error(`layer ${i}: ${(err as Error).message}`);
    }
    c = kind.outChannels(l, c);
  });
}

/** Throws unless `weights` has exactly the arrays the spec's layers and heads need. */
export function checkWeights(spec: NetworkSpec, weights: NetworkWeights): void {
  if (weights.layers.length !== spec.layers.length) {
    throw new Error(
      `weights have ${weights.layers.length} layers, architecture '${spec.arch}' has ${spec.layers.length}`,
    );
  }
  const inputs = layerInputs(spec);
  spec.layers.forEach((l, i) => {
    const shapes = kindOf(l).shapes(l, inputs[i]);
    const have = weights.layers[i];
    for (const [name, dims] of Object.entries(shapes)) {
      const n = dims.reduce((a, b) => a * b, 1);
      if (!have[name] || have[name].length !== n)
        throw new Error(
          `layer ${i} (${l.kind}): weight '${name}' must hold ${n} values [${dims.join(', ')}], has ${have[name]?.length ?? 'none'}`,
        );
    }
    const extra = Object.keys(have).filter((k) => !(k in shapes));
    if (extra.length) throw new Error(`layer ${i} (${l.kind}): unexpected weights ${extra.join(', ')}`);
  });
  const h = hiddenSize(spec);
  if (weights.spike.w.length !== h || weights.voltage.w.length !== h)
    throw new Error(`head weights must have ${h} entries`);
}
