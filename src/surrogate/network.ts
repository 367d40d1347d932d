import * as tf from '@tensorflow/tfjs';
import { CausalConvLayer } from './architectures/causal-conv.js';
import {
  type NetworkSpec,
  type NetworkWeights,
  hiddenSize,
  receptiveField,
  validateSpec,
} from './architectures/spec.js';
import type { Rng } from '../core/rng.js';

export interface NetworkOutputs {
  /** spike logits [B, T] */
  spikeLogit: tf.Tensor2D;
  /** voltage head output [B, T] (training units unless the weights were folded to mV) */
  voltage: tf.Tensor2D;
}

/** The tfjs form of a NetworkSpec: trainable variables and a causal forward pass. */
export class TfNetwork {
  readonly layers: CausalConvLayer[];
  readonly spikeW: tf.Variable<tf.Rank.R2>;
  readonly spikeB: tf.Variable<tf.Rank.R1>;
  readonly voltageW: tf.Variable<tf.Rank.R2>;
  readonly voltageB: tf.Variable<tf.Rank.R1>;
  readonly receptiveField: number;

  constructor(
    readonly spec: NetworkSpec,
    weights: NetworkWeights,
  ) {
    validateSpec(spec);
    checkWeights(spec, weights);
    this.receptiveField = receptiveField(spec);
    this.layers = weights.layers.map(
      (l, i) => new CausalConvLayer(l.kernel, l.inChannels, l.filters, l.activation, l, `conv${i}`),
    );
    const h = hiddenSize(spec);
    this.spikeW = tf.variable(tf.tensor2d(weights.spike.w, [h, 1]), true, 'spike/w');
    this.spikeB = tf.variable(tf.tensor1d([weights.spike.b]), true, 'spike/b');
    this.voltageW = tf.variable(tf.tensor2d(weights.voltage.w, [h, 1]), true, 'voltage/w');
    this.voltageB = tf.variable(tf.tensor1d([weights.voltage.b]), true, 'voltage/b');
  }

  /**
   * x: [B, L, nInputs]. With `history: 'included'` the first receptiveField-1 bins are history only
   * and T = L - receptiveField + 1 outputs come back; with 'zeros' the input is taken to start from
   * rest (every layer's history zero, as the step graph's initial state) and T = L.
   */
  forward(x: tf.Tensor3D, history: 'included' | 'zeros'): NetworkOutputs {
    return tf.tidy(() => {
      // 'zeros' pads every layer's input (not just the network input): a layer at rest holds zeros
      // in its history, exactly the step graph's initial state.
      let h: tf.Tensor3D = x;
      for (const layer of this.layers) {
        h = layer.apply(
          history === 'zeros' && layer.kernel > 1
            ? tf.pad(h, [
                [0, 0],
                [layer.kernel - 1, 0],
                [0, 0],
              ])
            : h,
        );
      }
      const [batch, len, hidden] = h.shape;
      const flat = tf.reshape(h, [batch * len, hidden]) as tf.Tensor2D;
      const spikeLogit = tf.reshape(tf.add(tf.matMul(flat, this.spikeW), this.spikeB), [
        batch,
        len,
      ]) as tf.Tensor2D;
      const voltage = tf.reshape(tf.add(tf.matMul(flat, this.voltageW), this.voltageB), [
        batch,
        len,
      ]) as tf.Tensor2D;
      return { spikeLogit, voltage };
    });
  }

  variables(): tf.Variable[] {
    return [
      ...this.layers.flatMap((l) => [l.w, l.b]),
      this.spikeW,
      this.spikeB,
      this.voltageW,
      this.voltageB,
    ];
  }

  read(): NetworkWeights {
    return {
      layers: this.layers.map((l) => l.read()),
      spike: { w: new Float32Array(this.spikeW.dataSync()), b: this.spikeB.dataSync()[0] },
      voltage: { w: new Float32Array(this.voltageW.dataSync()), b: this.voltageB.dataSync()[0] },
    };
  }

  assign(weights: NetworkWeights): void {
    checkWeights(this.spec, weights);
    this.layers.forEach((l, i) => l.assign(weights.layers[i]));
    const h = hiddenSize(this.spec);
    this.spikeW.assign(tf.tensor2d(weights.spike.w, [h, 1]));
    this.spikeB.assign(tf.tensor1d([weights.spike.b]));
    this.voltageW.assign(tf.tensor2d(weights.voltage.w, [h, 1]));
    this.voltageB.assign(tf.tensor1d([weights.voltage.b]));
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}

/**
 * Initial weights: conv taps ~ N(0, gain/fanIn) (He-style for relu, Glorot-like otherwise), zero
 * biases; the spike bias starts at the logit of the training spike rate so the first steps are not
 * spent learning the class prior.
 */
export function initialWeights(spec: NetworkSpec, rng: Rng, spikeRate: number): NetworkWeights {
  let inC = spec.nInputs;
  const layers = spec.layers.map((l) => {
    const fanIn = l.kernel * inC;
    const std = Math.sqrt((l.activation === 'relu' ? 2 : 1) / fanIn);
    const w = new Float32Array(l.kernel * inC * l.filters);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
    const layer = {
      kernel: l.kernel,
      inChannels: inC,
      filters: l.filters,
      activation: l.activation,
      w,
      b: new Float32Array(l.filters),
    };
    inC = l.filters;
    return layer;
  });
  const head = (): Float32Array => {
    const w = new Float32Array(inC);
    for (let i = 0; i < inC; i++) w[i] = rng.normal() / Math.sqrt(inC);
    return w;
  };
  const p = Math.min(Math.max(spikeRate, 1e-6), 0.5);
  return { layers, spike: { w: head(), b: Math.log(p / (1 - p)) }, voltage: { w: head(), b: 0 } };
}

export function checkWeights(spec: NetworkSpec, weights: NetworkWeights): void {
  if (weights.layers.length !== spec.layers.length) {
    throw new Error(
      `weights have ${weights.layers.length} layers, architecture '${spec.arch}' has ${spec.layers.length}`,
    );
  }
  let inC = spec.nInputs;
  weights.layers.forEach((l, i) => {
    const s = spec.layers[i];
    if (
      l.kernel !== s.kernel ||
      l.filters !== s.filters ||
      l.inChannels !== inC ||
      l.activation !== s.activation
    ) {
      throw new Error(
        `layer ${i}: weights (${l.kernel}x${l.inChannels}->${l.filters}, ${l.activation}) do not match the architecture (${s.kernel}x${inC}->${s.filters}, ${s.activation})`,
      );
    }
    if (l.w.length !== l.kernel * l.inChannels * l.filters || l.b.length !== l.filters)
      throw new Error(`layer ${i}: weight array sizes are wrong`);
    inC = s.filters;
  });
  if (weights.spike.w.length !== inC || weights.voltage.w.length !== inC)
    throw new Error(`head weights must have ${inC} entries`);
}
