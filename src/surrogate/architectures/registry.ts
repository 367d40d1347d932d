import { ACTIVATIONS, type Activation } from '../layers/layer-kind.js';
import type { LayerConfig } from '../layers/catalogue.js';
import { type NetworkSpec, validateSpec } from './spec.js';

export interface ArchitectureDef {
  name: string;
  description: string;
  /** the options it takes, with their defaults */
  defaults: Record<string, unknown>;
  build(nInputs: number, options: Record<string, unknown>): NetworkSpec;
}

/**
 * The paper's I&F network (Fig. 1): one hidden unit, a causal convolution over all inputs with an
 * 80-ms kernel. The unit is linear: the I&F's free membrane potential is itself a linear filter of
 * the inputs, so a linear unit can represent it exactly; the voltage head is then an affine map of
 * it and the spike head a logistic regression on it (spike probability rises monotonically with the
 * free potential). A squashing unit would only bend the subthreshold voltage the head must fit.
 */
const ifPaper: ArchitectureDef = {
  name: 'if-paper',
  description:
    '1 hidden linear unit, causal temporal convolution over all inputs (80 ms), sigmoid spike head, linear voltage head',
  defaults: { kernel: 80, activation: 'linear' },
  build(nInputs, options) {
    const o = readOptions('if-paper', options, this.defaults);
    const kernel = int(o, 'kernel');
    const activation = act(o, 'activation');
    return checked('if-paper', { kernel, activation }, nInputs, [
      { kind: 'synaptic-conv', kernel, filters: 1, activation },
    ]);
  },
};

/**
 * The paper's fully connected network: one hidden layer of `width` units, each a causal temporal
 * convolution over all synapses (L5PC AMPA-only: 1 × 128 × 43 ms).
 */
const fcn: ArchitectureDef = {
  name: 'fcn',
  description: "the paper's one-hidden-layer network: `width` units, each a causal kernel over all synapses",
  defaults: { width: 128, kernel: 43, activation: 'relu' },
  build(nInputs, options) {
    const o = readOptions('fcn', options, this.defaults);
    const params = { width: int(o, 'width'), kernel: int(o, 'kernel'), activation: act(o, 'activation') };
    return checked('fcn', params, nInputs, [
      { kind: 'synaptic-conv', kernel: params.kernel, filters: params.width, activation: params.activation },
    ]);
  },
};

/**
 * The paper's temporal convolutional network: a causal conv over the synapses, then `layers - 1`
 * causal convs between hidden layers (L5PC with NMDA: 7 × 128, receptive field 153 ms, the first
 * kernel the widest).
 */
const tcn: ArchitectureDef = {
  name: 'tcn',
  description:
    'stack of causal temporal convolutions (the first over the synapses), sigmoid spike head, linear voltage head',
  defaults: { layers: 7, width: 128, firstKernel: 54, kernel: 17, activation: 'relu' },
  build(nInputs, options) {
    const o = readOptions('tcn', options, { ...this.defaults, kernels: undefined, widths: undefined });
    const activation = act(o, 'activation');
    let kernels: number[];
    if (o.kernels !== undefined) kernels = intList(o, 'kernels');
    else {
      const first = int(o, 'firstKernel');
      const rest = int(o, 'kernel');
      kernels = Array.from({ length: int(o, 'layers') }, (_, i) => (i === 0 ? first : rest));
    }
    const widths = o.widths !== undefined ? intList(o, 'widths') : kernels.map(() => int(o, 'width'));
    if (widths.length !== kernels.length)
      throw new Error(
        `tcn: 'widths' must have one entry per layer (${kernels.length}), got ${widths.length}`,
      );
    const layers: LayerConfig[] = kernels.map((kernel, i) =>
      i === 0
        ? { kind: 'synaptic-conv', kernel, filters: widths[i], activation }
        : { kind: 'conv', kernel, filters: widths[i], activation },
    );
    return checked('tcn', { kernels, widths, activation }, nInputs, layers);
  },
};

/**
 * Ours, aimed at the efficiency of the best published twin (a recurrent leaky-memory cell, 54K
 * parameters): the synapses are projected onto `channels` channels (a sparse gather in streaming:
 * only the synapses that spike are read), each channel is filtered by `multiplier` learned causal
 * kernels of `kernel` ms, each a combination of `basis` raised cosines (smooth synaptic and
 * dendritic time courses), mixed into `width` units, then a
 * dilated causal stack (`dilations`, taps of `taps` each) supplies the nonlinear interactions over
 * the recent past (NMDA spikes, the spike-history dependence).
 */
const factored: ArchitectureDef = {
  name: 'factored',
  description:
    'synapses → few channels (sparse gather), per-channel causal kernels, then a dilated causal conv stack',
  defaults: {
    channels: 24,
    kernel: 80,
    basis: 10,
    multiplier: 2,
    width: 32,
    taps: 5,
    dilations: [1, 2, 4, 8],
    activation: 'relu',
  },
  build(nInputs, options) {
    const o = readOptions('factored', options, this.defaults);
    const params = {
      channels: int(o, 'channels'),
      kernel: int(o, 'kernel'),
      basis: int(o, 'basis', 0),
      multiplier: int(o, 'multiplier'),
      width: int(o, 'width'),
      taps: int(o, 'taps'),
      // none: one hidden layer (the 1×1 mixing layer), the shallow end of the depth study
      dilations: intList(o, 'dilations', true),
      activation: act(o, 'activation'),
    };
    const layers: LayerConfig[] = [
      { kind: 'synaptic-conv', kernel: 1, filters: params.channels, activation: 'linear' },
      {
        kind: 'depthwise-conv',
        kernel: params.kernel,
        multiplier: params.multiplier,
        // basis 0: every tap of the kernels free
        ...(params.basis > 0 ? { basis: params.basis } : {}),
        activation: 'linear',
      },
      { kind: 'conv', kernel: 1, filters: params.width, activation: params.activation },
      ...params.dilations.map((dilation): LayerConfig => ({
        kind: 'conv',
        kernel: params.taps,
        filters: params.width,
        activation: params.activation,
        dilation,
      })),
    ];
    return checked('factored', params, nInputs, layers);
  },
};

const REGISTRY = new Map<string, ArchitectureDef>([ifPaper, fcn, tcn, factored].map((a) => [a.name, a]));

export function architectureNames(): string[] {
  return [...REGISTRY.keys()];
}

export function architecture(name: string): ArchitectureDef {
  const def = REGISTRY.get(name);
  if (!def) throw new Error(`unknown architecture '${name}' (known: ${architectureNames().join(', ')})`);
  return def;
}

export function buildArchitecture(
  name: string,
  nInputs: number,
  options: Record<string, unknown> = {},
): NetworkSpec {
  return architecture(name).build(nInputs, options);
}

function checked(
  arch: string,
  params: Record<string, unknown>,
  nInputs: number,
  layers: LayerConfig[],
): NetworkSpec {
  const spec: NetworkSpec = { arch, params, nInputs, layers };
  validateSpec(spec);
  return spec;
}

/** Options with defaults filled in; unknown keys are refused (a typo would otherwise be ignored). */
function readOptions(
  arch: string,
  options: Record<string, unknown>,
  defaults: Record<string, unknown>,
): Record<string, unknown> {
  for (const key of Object.keys(options)) {
    if (!(key in defaults))
      throw new Error(`${arch}: unknown option '${key}' (options: ${Object.keys(defaults).join(', ')})`);
  }
  return { ...defaults, ...options };
}

function int(o: Record<string, unknown>, key: string, min = 1): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new Error(`option '${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function intList(o: Record<string, unknown>, key: string, allowEmpty = false): number[] {
  const v = o[key];
  if (
    !Array.isArray(v) ||
    (v.length === 0 && !allowEmpty) ||
    !v.every((k) => Number.isInteger(k) && (k as number) >= 1)
  )
    throw new Error(
      `option '${key}' must be a ${allowEmpty ? '' : 'non-empty '}array of positive integers, got ${JSON.stringify(v)}`,
    );
  return v as number[];
}

function act(o: Record<string, unknown>, key: string): Activation {
  const v = o[key];
  if (typeof v !== 'string' || !ACTIVATIONS.includes(v as Activation))
    throw new Error(`option '${key}' must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(v)}`);
  return v as Activation;
}
