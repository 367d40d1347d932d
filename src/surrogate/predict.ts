import * as tf from '@tensorflow/tfjs';
import type { Trial } from '../dataset/trial.js';
import type { LabelConvention } from '../core/conventions.js';
import { clippedSoma } from '../core/conventions.js';
import type { NetworkWeights, NetworkSpec } from './architectures/spec.js';
import type { ScoredTrial } from './metrics.js';
import { TfNetwork } from './network.js';
import { type PreparedTrial, trialBatch } from './windows.js';

export interface TrialPrediction {
  spikeProb: Float32Array;
  /** in the units of the weights' voltage head (mV once folded) */
  voltage: Float32Array;
}

/** Neuron id -> labelling convention of its dataset (I&F: spike bin; compartmental cells: §9.3). */
export function conventionFor(neuron: string): LabelConvention {
  return neuron === 'if' ? 'spike-bin' : 'half-bin-offset';
}

/** Runs the network causally over whole trials from rest (zero history), one trial at a time. */
export function predictTrials(
  spec: NetworkSpec,
  weights: NetworkWeights,
  trials: readonly PreparedTrial[],
): TrialPrediction[] {
  const net = new TfNetwork(spec, weights);
  try {
    return trials.map((t) => {
      const { p, v } = tf.tidy(() => {
        const out = net.forward(trialBatch(t, spec.nInputs), 'zeros');
        return { p: tf.sigmoid(out.spikeLogit), v: out.voltage };
      });
      const spikeProb = new Float32Array(p.dataSync());
      const voltage = new Float32Array(v.dataSync());
      p.dispose();
      v.dispose();
      return { spikeProb, voltage };
    });
  } finally {
    net.dispose();
  }
}

/** Pairs predictions with the trials' targets (clipped soma in mV) for scoring. */
export function scoredTrials(
  trials: readonly Trial[],
  predictions: readonly TrialPrediction[],
  convention: LabelConvention,
): ScoredTrial[] {
  if (trials.length !== predictions.length)
    throw new Error(`${predictions.length} predictions for ${trials.length} trials`);
  return trials.map((t, i) => {
    const target = new Float32Array(t.durationMs);
    for (let k = 0; k < t.durationMs; k++) target[k] = clippedSoma(t.somaVoltage[k], convention);
    return {
      spikeScore: predictions[i].spikeProb,
      voltage: predictions[i].voltage,
      labels: t.spikeLabels,
      voltageTarget: target,
    };
  });
}
