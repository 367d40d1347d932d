import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerWeights } from './spec.js';

/** How a layer computes its taps; 'auto' picks by the channel counts (see apply). */
export type ConvStrategy = 'auto' | 'input-slices' | 'output-skew';

/** The skew form copies k*filters values per input bin, the slice form k*inChannels; margin for its extra passes. */
const SKEW_RATIO = 4;

/**
 * A causal 1-D convolution from shifted slices and matMuls:
 *   y[b, t, f] = act( bias[f] + sum_j sum_c x[b, t + j, c] * w[j, c, f] ),  j = 0..kernel-1
 * over an input that already holds kernel-1 bins of history before the first output bin. This is
 * the sum the step graph computes one bin at a time, and it needs no Conv2DBackpropFilter (which
 * the wasm backend lacks).
 */
export class CausalConvLayer {
  readonly w: tf.Variable<tf.Rank.R3>;
  readonly b: tf.Variable<tf.Rank.R1>;

  constructor(
    readonly kernel: number,
    readonly inChannels: number,
    readonly filters: number,
    readonly activation: Activation,
    init: { w: Float32Array; b: Float32Array },
    name: string,
  ) {
    this.w = tf.variable(tf.tensor3d(init.w, [kernel, inChannels, filters]), true, `${name}/w`);
    this.b = tf.variable(tf.tensor1d(init.b), true, `${name}/b`);
  }

  /** x: [B, L, C] with L >= kernel; returns [B, L - kernel + 1, filters] ("valid" causal output). */
  apply(x: tf.Tensor3D, strategy: ConvStrategy = 'auto'): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, len, channels] = x.shape;
      const outLen = len - this.kernel + 1;
      if (outLen < 1)
        throw new Error(`causal conv: input of ${len} bins is shorter than the kernel (${this.kernel})`);
      if (channels !== this.inChannels)
        throw new Error(`causal conv: input has ${channels} channels, layer expects ${this.inChannels}`);
      const useSkew =
        strategy === 'output-skew' ||
        (strategy === 'auto' && this.kernel > 1 && SKEW_RATIO * this.filters < channels);
      const pre = useSkew ? this.skewed(x, outLen) : this.sliced(x, outLen);
      return tf.reshape(activate(tf.add(pre, this.b), this.activation), [
        batch,
        outLen,
        this.filters,
      ]) as tf.Tensor3D;
    });
  }

  /** Sum over taps of slice(x, j) · w_j: k slices of the input (cheap when inChannels is small). */
  private sliced(x: tf.Tensor3D, outLen: number): tf.Tensor2D {
    const [batch, , channels] = x.shape;
    let acc: tf.Tensor2D | null = null;
    for (let j = 0; j < this.kernel; j++) {
      const xs = tf.reshape(tf.slice(x, [0, j, 0], [batch, outLen, channels]), [
        batch * outLen,
        channels,
      ]) as tf.Tensor2D;
      const wj = tf.reshape(tf.slice(this.w, [j, 0, 0], [1, channels, this.filters]), [
        channels,
        this.filters,
      ]) as tf.Tensor2D;
      const term: tf.Tensor2D = tf.matMul(xs, wj);
      acc = acc === null ? term : (tf.add(acc, term) as tf.Tensor2D);
    }
    return acc as tf.Tensor2D;
  }

  /**
   * One matMul for all taps, Y[b, s, j, f] = sum_c x[b, s, c] w[j, c, f], then the diagonal sum
   * out[b, t, f] = sum_j Y[b, t + j, j, f]. The diagonal is read with the skew trick: a row-major
   * [k, L] block padded to [k, L + 1] puts element (j, t + j) at (j, t). Far fewer copies than k
   * input slices when inChannels >> filters (the I&F net; the L5PC's first layer).
   */
  private skewed(x: tf.Tensor3D, outLen: number): tf.Tensor2D {
    const [batch, len, channels] = x.shape;
    const k = this.kernel;
    const F = this.filters;
    const wAll = tf.reshape(tf.transpose(this.w, [1, 0, 2]), [channels, k * F]);
    const y = tf.matMul(tf.reshape(x, [batch * len, channels]) as tf.Tensor2D, wAll as tf.Tensor2D); // [B*L, k*F]
    const byFilter = tf.transpose(tf.reshape(y, [batch, len, k, F]), [0, 3, 2, 1]); // [B, F, k, L]
    const flat = tf.pad(tf.reshape(byFilter, [batch * F, k * len]), [
      [0, 0],
      [0, k],
    ]);
    const diag = tf.slice(tf.reshape(flat, [batch * F, k, len + 1]), [0, 0, 0], [batch * F, k, outLen]);
    const out = tf.transpose(tf.reshape(tf.sum(diag, 1), [batch, F, outLen]), [0, 2, 1]); // [B, T, F]
    return tf.reshape(out, [batch * outLen, F]) as tf.Tensor2D;
  }

  read(): LayerWeights {
    return {
      kernel: this.kernel,
      inChannels: this.inChannels,
      filters: this.filters,
      activation: this.activation,
      w: new Float32Array(this.w.dataSync()),
      b: new Float32Array(this.b.dataSync()),
    };
  }

  assign(weights: LayerWeights): void {
    this.w.assign(tf.tensor3d(weights.w, [this.kernel, this.inChannels, this.filters]));
    this.b.assign(tf.tensor1d(weights.b));
  }

  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }
}

export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
  }
}
