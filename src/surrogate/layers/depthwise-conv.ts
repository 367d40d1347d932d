/**
 * `depthwise-conv`: each channel filtered on its own by `multiplier` causal temporal kernels — the
 * temporal half of a factored first stage (synapses → few channels → per-channel time courses):
 *   y[t, c·M + m] = act( b[c·M + m] + sum_{j<k} x[t - (k-1-j), c] · w[j, c, m] )
 * With `basis` R the kernels are combinations of R fixed raised-cosine bumps on a logarithmic time
 * axis (as in Pillow et al. 2008's GLMs): w[j, c, m] = sum_r φ_r(k-1-j) · a[r, c, m]. Smooth
 * kernels with few parameters, and training is then one fixed convolution (whose input gradient the
 * wasm backend has) and a batched matMul instead of k slices. Export folds the basis into w.
 * Its step carries the last k-1 input rows [k-1, C]; a step costs k × C × M.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type TfLayer,
  type LayerWeights,
  type Activation,
  type LayerConfigBase,
  type LayerKind,
  activate,
  checkActivation,
  checkKeys,
  checkPositiveInt,
  emitActivation,
  normalArray,
} from './layer-kind.js';

export interface DepthwiseConvConfig extends LayerConfigBase {
  kind: 'depthwise-conv';
  kernel: number;
  /** kernels per input channel (output channels = C × multiplier) */
  multiplier: number;
  activation: Activation;
  /** number of raised-cosine basis kernels (absent: every tap free) */
  basis?: number;
}

/**
 * φ_r(lag), lag = 0..k-1 ms, laid out [lag][r]: raised cosines ½(1 + cos(u - c_r)) for |u - c_r| < π
 * on u = α·log(lag + 1), centres π/2 apart from the first lag to the last; each sums to 1.
 */
export function raisedCosineBasis(k: number, R: number): Float32Array {
  const out = new Float32Array(k * R);
  const uMax = Math.log(k);
  // R centres spaced π/2 apart span (R - 1)·π/2 of u, from 0 (lag 0) to the last lag
  const alpha = R > 1 ? ((R - 1) * Math.PI) / 2 / uMax : 1;
  for (let r = 0; r < R; r++) {
    const centre = (r * Math.PI) / 2;
    let sum = 0;
    for (let lag = 0; lag < k; lag++) {
      const d = alpha * Math.log(lag + 1) - centre;
      const v = Math.abs(d) < Math.PI ? 0.5 * (1 + Math.cos(d)) : 0;
      out[lag * R + r] = v;
      sum += v;
    }
    for (let lag = 0; lag < k; lag++) out[lag * R + r] /= sum > 0 ? sum : 1;
  }
  return out;
}

/** The taps w [k][C][M] of a configuration's weights (folding the basis when there is one). */
export function depthwiseTaps(c: DepthwiseConvConfig, C: number, weights: LayerWeights): Float32Array {
  if (c.basis === undefined) return weights.w;
  const R = c.basis;
  const M = c.multiplier;
  const phi = raisedCosineBasis(c.kernel, R);
  const w = new Float32Array(c.kernel * C * M);
  for (let j = 0; j < c.kernel; j++) {
    const lag = c.kernel - 1 - j;
    for (let r = 0; r < R; r++) {
      const p = phi[lag * R + r];
      if (p === 0) continue;
      for (let i = 0; i < C * M; i++) w[j * C * M + i] += p * weights.a[r * C * M + i];
    }
  }
  return w;
}

export const depthwiseConv: LayerKind<DepthwiseConvConfig> = {
  kind: 'depthwise-conv',
  summary: 'per-channel causal temporal kernels (depthwise convolution)',
  readsSynapses: false,
  validate(c) {
    checkKeys('depthwise-conv', c, ['kernel', 'multiplier', 'activation', 'basis']);
    if (c.basis !== undefined) {
      checkPositiveInt('depthwise-conv', 'basis', c.basis);
      if (c.basis > c.kernel)
        throw new Error(`depthwise-conv: basis (${c.basis}) exceeds the kernel (${c.kernel})`);
    }
    checkPositiveInt('depthwise-conv', 'kernel', c.kernel);
    checkPositiveInt('depthwise-conv', 'multiplier', c.multiplier);
    checkActivation('depthwise-conv', c.activation);
  },
  outChannels: (c, C) => C * c.multiplier,
  history: (c) => c.kernel - 1,
  shapes: (c, C): Record<string, number[]> =>
    c.basis === undefined
      ? { w: [c.kernel, C, c.multiplier], b: [C * c.multiplier] }
      : { a: [c.basis, C, c.multiplier], b: [C * c.multiplier] },
  // kernels start as decaying exponentials of different time constants, with noise: a useful
  // prior for synaptic time courses that plain noise would take many steps to find
  init(c, C, rng): LayerWeights {
    if (c.basis !== undefined) {
      const R = c.basis;
      const a = normalArray(R * C * c.multiplier, 0.1, rng);
      for (let i = 0; i < C * c.multiplier; i++) a[(i % R) * C * c.multiplier + i] += 1;
      return { a, b: new Float32Array(C * c.multiplier) };
    }
    const w = normalArray(c.kernel * C * c.multiplier, 0.1 / Math.sqrt(c.kernel), rng);
    for (let ch = 0; ch < C; ch++) {
      for (let m = 0; m < c.multiplier; m++) {
        const tau = 2 + ((ch * c.multiplier + m) % 6) * (c.kernel / 8);
        let norm = 0;
        for (let lag = 0; lag < c.kernel; lag++) norm += Math.exp(-lag / tau);
        for (let lag = 0; lag < c.kernel; lag++) {
          w[((c.kernel - 1 - lag) * C + ch) * c.multiplier + m] += Math.exp(-lag / tau) / norm;
        }
      }
    }
    return { w, b: new Float32Array(C * c.multiplier) };
  },
  // basis form: the R filtered series per channel (and transposes); free form: k products of C·M
  trainingBytes: (c, C, batch, length) =>
    batch * length * 4 * (c.basis !== undefined ? 4 * C * c.basis : 2 * c.kernel * C * c.multiplier) +
    batch * length * 4 * 3 * C * c.multiplier,
  stepMacs: (c, C) => c.kernel * C * c.multiplier,
  describe: (c) =>
    `${c.multiplier} causal kernel(s) of ${c.kernel} ms per channel${c.basis ? ` (${c.basis} raised-cosine bases)` : ''}, ${c.activation}`,

  tf(c, C, weights, name) {
    if (c.basis !== undefined) return basisForm(c, C, weights, name);
    const M = c.multiplier;
    const w = tf.variable(tf.tensor3d(weights.w, [c.kernel, C, M]), true, `${name}/w`);
    const b = tf.variable(tf.tensor1d(weights.b), true, `${name}/b`);
    return {
      variables: { w, b },
      apply: (x) =>
        tf.tidy(() => {
          const [batch, len] = x.shape;
          const outLen = len - c.kernel + 1;
          if (outLen < 1) throw new Error(`depthwise-conv: input of ${len} bins is shorter than the kernel`);
          let acc: tf.Tensor | null = null;
          for (let j = 0; j < c.kernel; j++) {
            const xs = tf.reshape(tf.slice(x, [0, j, 0], [batch, outLen, C]), [batch, outLen, C, 1]);
            const term = tf.mul(xs, tf.reshape(tf.slice(w, [j, 0, 0], [1, C, M]), [C, M]));
            acc = acc === null ? term : tf.add(acc, term);
          }
          const pre = tf.reshape(acc as tf.Tensor, [batch, outLen, C * M]);
          return activate(tf.add(pre, b), c.activation) as tf.Tensor3D;
        }),
    };
  },

  emitSequence(g, c, C, weights, x, prefix) {
    const M = c.multiplier;
    const padded =
      c.kernel > 1 ? g.node('Pad', [x, g.int64Init(`${prefix}_pads`, [0, 0, c.kernel - 1, 0, 0, 0])]) : x;
    // grouped Conv weight [C·M, 1, k]: output c·M + m reads input channel c
    const taps = depthwiseTaps(c, C, weights);
    const wConv = new Float32Array(taps.length);
    for (let j = 0; j < c.kernel; j++)
      for (let ch = 0; ch < C; ch++)
        for (let m = 0; m < M; m++) wConv[(ch * M + m) * c.kernel + j] = taps[(j * C + ch) * M + m];
    const w = g.floatInit(`${prefix}_w`, [C * M, 1, c.kernel], wConv);
    const b = g.floatInit(`${prefix}_b`, [C * M], weights.b);
    return emitActivation(
      g,
      g.node('Conv', [padded, w, b], { kernel_shape: [c.kernel], group: C }),
      c.activation,
    );
  },

  stepState: (c, C) => (c.kernel > 1 ? [{ name: 'history', dims: [c.kernel - 1, C] }] : []),

  emitStep(g, c, C, weights, x, state, prefix) {
    if (x.form !== 'dense') throw new Error('depthwise-conv: a hidden layer needs a dense input');
    const M = c.multiplier;
    const row = g.node('Unsqueeze', [x.tensor, g.int64Init(`${prefix}_axis`, [1])]); // [B, 1, C]
    const full = c.kernel > 1 ? g.node('Concat', [state[0], row], { axis: 1 }) : row; // [B, k, C]
    const w = g.floatInit(`${prefix}_w`, [c.kernel, C, M], depthwiseTaps(c, C, weights));
    const prod = g.node('Mul', [g.node('Unsqueeze', [full, g.int64Init(`${prefix}_axis3`, [3])]), w]); // [B, k, C, M]
    const summed = g.node('ReduceSum', [prod, g.int64Init(`${prefix}_tap_axis`, [1])], { keepdims: 0 });
    const flat = g.node('Reshape', [summed, g.int64Init(`${prefix}_flat`, [0, C * M])]);
    const b = g.floatInit(`${prefix}_b`, [C * M], weights.b);
    const out = emitActivation(g, g.node('Add', [flat, b]), c.activation);
    if (c.kernel === 1) return { out, next: [] };
    const axis = g.int64Init(`${prefix}_axis1`, [1]);
    const next = g.node('Slice', [
      full,
      g.int64Init(`${prefix}_s1`, [1]),
      g.int64Init(`${prefix}_end`, [c.kernel]),
      axis,
    ]);
    return { out, next: [next] };
  },
};

/** The tfjs form with basis kernels: a fixed conv by the R bumps, then a per-channel matMul by a. */
function basisForm(c: DepthwiseConvConfig, C: number, weights: LayerWeights, name: string): TfLayer {
  const R = c.basis as number;
  const M = c.multiplier;
  const k = c.kernel;
  const a = tf.variable(tf.tensor3d(weights.a, [R, C, M]), true, `${name}/a`);
  const b = tf.variable(tf.tensor1d(weights.b), true, `${name}/b`);
  // conv1d correlates: filter tap j meets input bin t + j, i.e. lag k-1-j of the output bin
  const phi = raisedCosineBasis(k, R);
  const filter = new Float32Array(k * R);
  for (let j = 0; j < k; j++) for (let r = 0; r < R; r++) filter[j * R + r] = phi[(k - 1 - j) * R + r];
  const basis = tf.keep(tf.tensor3d(filter, [k, 1, R]));
  // the input gradient of a 'valid' correlation is the full correlation of the output gradient
  // with the flipped filter: computed as a forward conv (wasm's Conv2DBackpropInput is far slower)
  const flipped = new Float32Array(k * R);
  for (let j = 0; j < k; j++) for (let r = 0; r < R; r++) flipped[(k - 1 - j) * R + r] = filter[j * R + r];
  const transposedBasis = tf.keep(tf.tensor3d(flipped, [k, R, 1]));
  const filterByBasis = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const series = args[0] as tf.Tensor3D;
    return {
      value: tf.conv1d(series, basis, 1, 'valid'),
      gradFunc: (dy: tf.Tensor) => [
        tf.conv1d(
          tf.pad(dy as tf.Tensor3D, [
            [0, 0],
            [k - 1, k - 1],
            [0, 0],
          ]),
          transposedBasis,
          1,
          'valid',
        ),
      ],
    };
  });
  return {
    variables: { a, b },
    apply: (x) =>
      tf.tidy(() => {
        const [batch, len] = x.shape;
        const outLen = len - k + 1;
        if (outLen < 1) throw new Error(`depthwise-conv: input of ${len} bins is shorter than the kernel`);
        const perChannel = tf.reshape(tf.transpose(x, [0, 2, 1]), [batch * C, len, 1]) as tf.Tensor3D;
        const z = filterByBasis(perChannel) as tf.Tensor3D; // [B*C, Lout, R]
        const byChannel = tf.reshape(tf.transpose(tf.reshape(z, [batch, C, outLen, R]), [1, 0, 2, 3]), [
          C,
          batch * outLen,
          R,
        ]);
        const mixed = tf.matMul(byChannel, tf.transpose(a, [1, 0, 2]) as tf.Tensor3D); // [C, B*Lout, M]
        const y = tf.reshape(tf.transpose(tf.reshape(mixed, [C, batch, outLen, M]), [1, 2, 0, 3]), [
          batch,
          outLen,
          C * M,
        ]);
        return activate(tf.add(y, b), c.activation) as tf.Tensor3D;
      }),
  };
}
