import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerWeights } from './spec.js';

/**
 * A causal 1-D convolution as a sum of shifted slices times per-tap weight matrices:
 *   y[b, t, f] = act( bias[f] + sum_j sum_c x[b, t + j, c] * w[j, c, f] ),  j = 0..kernel-1
 * over an input that already holds kernel-1 bins of history before the first output bin. This is
 * the form the step graph computes one bin at a time, and it needs no Conv2DBackpropFilter (which
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
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, len, channels] = x.shape;
      const outLen = len - this.kernel + 1;
      if (outLen < 1) throw new Error(`causal conv: input of ${len} bins is shorter than the kernel (${this.kernel})`);
      let acc: tf.Tensor2D | null = null;
      for (let j = 0; j < this.kernel; j++) {
        const xs = tf.reshape(tf.slice(x, [0, j, 0], [batch, outLen, channels]), [batch * outLen, channels]) as tf.Tensor2D;
        const wj = tf.reshape(tf.slice(this.w, [j, 0, 0], [1, channels, this.filters]), [channels, this.filters]) as tf.Tensor2D;
        const term: tf.Tensor2D = tf.matMul(xs, wj);
        acc = acc === null ? term : (tf.add(acc, term) as tf.Tensor2D);
      }
      const pre = tf.add(acc as tf.Tensor2D, this.b);
      return tf.reshape(activate(pre, this.activation), [batch, outLen, this.filters]) as tf.Tensor3D;
    });
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
