/**
 * `conv`: a causal temporal convolution between hidden layers, optionally dilated:
 *   y[t, f] = act( b[f] + sum_{j<k} sum_c x[t - (k-1-j)·d, c] · w[j, c, f] )
 * Its step carries the last (k-1)·d input rows [(k-1)·d, C] and reads every d-th of them.
 */
import * as tf from '@tensorflow/tfjs';
import { causalTaps } from './causal-taps.js';
import {
  type Activation,
  type LayerConfigBase,
  type LayerKind,
  activate,
  checkActivation,
  checkKeys,
  checkPositiveInt,
  emitActivation,
  gain,
  normalArray,
} from './layer-kind.js';
import { toConvLayout } from './synaptic-conv.js';

export interface ConvConfig extends LayerConfigBase {
  kind: 'conv';
  kernel: number;
  filters: number;
  activation: Activation;
  /** spacing of the taps in ms (default 1) */
  dilation?: number;
}

const dilationOf = (c: ConvConfig): number => c.dilation ?? 1;

export const conv: LayerKind<ConvConfig> = {
  kind: 'conv',
  summary: 'causal (dilated) temporal convolution between hidden layers',
  readsSynapses: false,
  validate(c) {
    checkKeys('conv', c, ['kernel', 'filters', 'activation', 'dilation']);
    checkPositiveInt('conv', 'kernel', c.kernel);
    checkPositiveInt('conv', 'filters', c.filters);
    if (c.dilation !== undefined) checkPositiveInt('conv', 'dilation', c.dilation);
    checkActivation('conv', c.activation);
  },
  outChannels: (c) => c.filters,
  history: (c) => (c.kernel - 1) * dilationOf(c),
  shapes: (c, C) => ({ w: [c.kernel, C, c.filters], b: [c.filters] }),
  init: (c, C, rng) => ({
    w: normalArray(c.kernel * C * c.filters, Math.sqrt(gain(c.activation) / (c.kernel * C)), rng),
    b: new Float32Array(c.filters),
  }),
  // per tap an input slice, its product and the running sum, each again as a gradient; the output
  trainingBytes: (c, C, batch, length) =>
    batch * length * 4 * (2 * c.kernel * (C + 2 * c.filters) + 3 * c.filters),
  stepMacs: (c, C) => c.kernel * C * c.filters,
  describe: (c) =>
    `causal conv ${c.kernel} taps${dilationOf(c) > 1 ? ` every ${dilationOf(c)} ms` : ''} × ${c.filters} unit(s), ${c.activation}`,

  tf(c, C, weights, name) {
    const w = tf.variable(tf.tensor3d(weights.w, [c.kernel, C, c.filters]), true, `${name}/w`);
    const b = tf.variable(tf.tensor1d(weights.b), true, `${name}/b`);
    return {
      variables: { w, b },
      apply: (x) =>
        tf.tidy(() => {
          const [batch, len] = x.shape;
          const outLen = len - (c.kernel - 1) * dilationOf(c);
          const pre = causalTaps(x, w, dilationOf(c));
          return tf.reshape(activate(tf.add(pre, b), c.activation), [
            batch,
            outLen,
            c.filters,
          ]) as tf.Tensor3D;
        }),
    };
  },

  emitSequence(g, c, C, weights, x, prefix) {
    const h = (c.kernel - 1) * dilationOf(c);
    const padded = h > 0 ? g.node('Pad', [x, g.int64Init(`${prefix}_pads`, [0, 0, h, 0, 0, 0])]) : x;
    const w = g.floatInit(
      `${prefix}_w`,
      [c.filters, C, c.kernel],
      toConvLayout(weights.w, c.kernel, C, c.filters),
    );
    const b = g.floatInit(`${prefix}_b`, [c.filters], weights.b);
    const y = g.node('Conv', [padded, w, b], { kernel_shape: [c.kernel], dilations: [dilationOf(c)] });
    return emitActivation(g, y, c.activation);
  },

  stepState: (c, C) => {
    const h = (c.kernel - 1) * dilationOf(c);
    return h > 0 ? [{ name: 'history', dims: [h, C] }] : [];
  },

  emitStep(g, c, C, weights, x, state, prefix) {
    if (x.form !== 'dense') throw new Error('conv: a hidden layer needs a dense input');
    const d = dilationOf(c);
    const h = (c.kernel - 1) * d;
    const w = g.floatInit(`${prefix}_w`, [c.kernel * C, c.filters], weights.w);
    const b = g.floatInit(`${prefix}_b`, [c.filters], weights.b);
    if (h === 0) {
      return {
        out: emitActivation(g, g.node('Add', [g.node('MatMul', [x.tensor, w]), b]), c.activation),
        next: [],
      };
    }
    const row = g.node('Unsqueeze', [x.tensor, g.int64Init(`${prefix}_axis`, [1])]); // [B, 1, C]
    const full = g.node('Concat', [state[0], row], { axis: 1 }); // [B, h+1, C], oldest first
    const axis = g.int64Init(`${prefix}_axis1`, [1]);
    const next = g.node('Slice', [
      full,
      g.int64Init(`${prefix}_s1`, [1]),
      g.int64Init(`${prefix}_end`, [h + 1]),
      axis,
    ]);
    // taps j = 0..k-1 read rows j·d (tap k-1 is the current bin)
    const taps =
      d === 1
        ? full
        : g.node('Slice', [
            full,
            g.int64Init(`${prefix}_s0`, [0]),
            g.int64Init(`${prefix}_e`, [h + 1]),
            axis,
            g.int64Init(`${prefix}_step`, [d]),
          ]);
    const flat = g.node('Reshape', [taps, g.int64Init(`${prefix}_flat`, [0, c.kernel * C])]);
    return {
      out: emitActivation(g, g.node('Add', [g.node('MatMul', [flat, w]), b]), c.activation),
      next: [next],
    };
  },
};
