/**
 * Framework-free description of a surrogate: a stack of causal 1-D convolutions over the input
 * spike channels, followed by two scalar heads on the last layer (a sigmoid spike head and a linear
 * voltage head). Training (tfjs) and export (ONNX) both read this and the plain weights below.
 */
export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'tanh', 'sigmoid'];

export interface ConvLayerSpec {
  /** taps; the output at bin t reads input bins t-kernel+1 .. t */
  kernel: number;
  filters: number;
  activation: Activation;
}

export interface NetworkSpec {
  /** registry name, e.g. 'if-paper' */
  arch: string;
  /** the options it was built from (recorded in the manifest) */
  params: Record<string, unknown>;
  nInputs: number;
  layers: ConvLayerSpec[];
}

/**
 * Weights of one causal conv layer. `w` is laid out [kernel][inChannels][filters]; tap j multiplies
 * the input at lag (kernel - 1 - j), so tap kernel-1 is the current bin.
 */
export interface LayerWeights {
  kernel: number;
  inChannels: number;
  filters: number;
  activation: Activation;
  w: Float32Array;
  b: Float32Array;
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

/** Bins of history an output depends on, the current bin included: sum(k - 1) + 1. */
export function receptiveField(spec: Pick<NetworkSpec, 'layers'>): number {
  return spec.layers.reduce((acc, l) => acc + l.kernel - 1, 0) + 1;
}

export function hiddenSize(spec: Pick<NetworkSpec, 'layers'>): number {
  return spec.layers[spec.layers.length - 1].filters;
}

export function parameterCount(spec: NetworkSpec): number {
  let n = 0;
  let inC = spec.nInputs;
  for (const l of spec.layers) {
    n += l.kernel * inC * l.filters + l.filters;
    inC = l.filters;
  }
  return n + 2 * (inC + 1);
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
  if (spec.layers.length === 0) throw new Error(`architecture '${spec.arch}' has no layers`);
  spec.layers.forEach((l, i) => {
    if (!Number.isInteger(l.kernel) || l.kernel < 1)
      throw new Error(`layer ${i}: kernel must be a positive integer, got ${l.kernel}`);
    if (!Number.isInteger(l.filters) || l.filters < 1)
      throw new Error(`layer ${i}: filters must be a positive integer, got ${l.filters}`);
    if (!ACTIVATIONS.includes(l.activation))
      throw new Error(
        `layer ${i}: unknown activation '${String(l.activation)}' (one of ${ACTIVATIONS.join(', ')})`,
      );
  });
}
