import { ACTIVATIONS, type Activation, type NetworkSpec, validateSpec } from './spec.js';

export interface ArchitectureDef {
  name: string;
  description: string;
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
  build(nInputs, options) {
    const kernel = intOption(options, 'kernel', 80);
    const activation = activationOption(options, 'activation', 'linear');
    return checked({
      arch: 'if-paper',
      params: { kernel, activation },
      nInputs,
      layers: [{ kernel, filters: 1, activation }],
    });
  },
};

/**
 * A temporal convolutional network: several causal conv layers with a nonlinearity between them
 * (the paper's L5PC model, 7 layers x 128, receptive field 153 ms with a wider first kernel).
 */
const tcn: ArchitectureDef = {
  name: 'tcn',
  description:
    'stack of causal temporal convolutions with nonlinearity, sigmoid spike head, linear voltage head',
  build(nInputs, options) {
    const depth = intOption(options, 'layers', 7);
    const width = intOption(options, 'width', 128);
    const activation = activationOption(options, 'activation', 'relu');
    let kernels: number[];
    if (options.kernels !== undefined) {
      if (!Array.isArray(options.kernels) || !options.kernels.every((k) => Number.isInteger(k) && k >= 1)) {
        throw new Error(
          `tcn: 'kernels' must be an array of positive integers, got ${JSON.stringify(options.kernels)}`,
        );
      }
      kernels = options.kernels as number[];
    } else {
      const first = intOption(options, 'firstKernel', 54);
      const rest = intOption(options, 'kernel', 17);
      kernels = Array.from({ length: depth }, (_, i) => (i === 0 ? first : rest));
    }
    const widths = options.widths !== undefined ? (options.widths as number[]) : kernels.map(() => width);
    if (!Array.isArray(widths) || widths.length !== kernels.length) {
      throw new Error(
        `tcn: 'widths' must have one entry per layer (${kernels.length}), got ${JSON.stringify(options.widths)}`,
      );
    }
    return checked({
      arch: 'tcn',
      params: { kernels, widths, activation },
      nInputs,
      layers: kernels.map((kernel, i) => ({ kernel, filters: widths[i], activation })),
    });
  },
};

const REGISTRY = new Map<string, ArchitectureDef>([ifPaper, tcn].map((a) => [a.name, a]));

export function architectureNames(): string[] {
  return [...REGISTRY.keys()];
}

export function buildArchitecture(
  name: string,
  nInputs: number,
  options: Record<string, unknown> = {},
): NetworkSpec {
  const def = REGISTRY.get(name);
  if (!def) throw new Error(`unknown architecture '${name}' (known: ${architectureNames().join(', ')})`);
  return def.build(nInputs, options);
}

function checked(spec: NetworkSpec): NetworkSpec {
  validateSpec(spec);
  return spec;
}

function intOption(options: Record<string, unknown>, key: string, fallback: number): number {
  const v = options[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new Error(`option '${key}' must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function activationOption(options: Record<string, unknown>, key: string, fallback: Activation): Activation {
  const v = options[key] ?? fallback;
  if (typeof v !== 'string' || !ACTIVATIONS.includes(v as Activation)) {
    throw new Error(`option '${key}' must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as Activation;
}
