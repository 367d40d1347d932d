import * as tf from '@tensorflow/tfjs';
import type { NetworkOutputs } from './network.js';

export interface LossWeights {
  spike: number;
  voltage: number;
}

/**
 * spike.weight * BCE(sigmoid(logit), label) + voltage.weight * MSE(voltage, target), both means over
 * every bin of the batch. BCE from logits in the overflow-free form
 *   max(z, 0) - z*y + log(1 + exp(-|z|)).
 */
export function surrogateLoss(
  out: NetworkOutputs,
  spikes: tf.Tensor2D,
  voltage: tf.Tensor2D,
  weights: LossWeights,
): tf.Scalar {
  return tf.tidy(() => {
    const z = out.spikeLogit;
    const bce = tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, spikes)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
    const mse = tf.mean(tf.squaredDifference(out.voltage, voltage));
    return tf.add(tf.mul(bce, weights.spike), tf.mul(mse, weights.voltage)) as tf.Scalar;
  });
}
