import * as tf from '@tensorflow/tfjs';
import {
  type NetworkSpec,
  type NetworkWeights,
  checkWeights,
  hiddenSize,
  layerInputs,
  receptiveField,
  validateSpec,
} from './architectures/spec.js';
import { kindOf } from './layers/catalogue.js';
import { padTime, type SynapticBatch, type TfLayer } from './layers/layer-kind.js';
import type { Rng } from '../core/rng.js';

export interface NetworkOutputs {
  /** spike logits [B, T] */
  spikeLogit: tf.Tensor2D;
  /** voltage head output [B, T] (training units unless the weights were folded to mV) */
  voltage: tf.Tensor2D;
}

let nextNetworkId = 0;

/** The tfjs form of a NetworkSpec: trainable variables and a causal forward pass. */
export class TfNetwork {
  readonly layers: TfLayer[];
  private readonly histories: number[];
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
    const inputs = layerInputs(spec);
    // variable names are global in tfjs: every network gets its own prefix
    const net = `net${nextNetworkId++}`;
    this.layers = spec.layers.map((l, i) =>
      kindOf(l).tf(l, inputs[i], weights.layers[i], `${net}/layer${i}`),
    );
    this.histories = spec.layers.map((l) => kindOf(l).history(l));
    const h = hiddenSize(spec);
    this.spikeW = tf.variable(tf.tensor2d(weights.spike.w, [h, 1]), true, `${net}/spike/w`);
    this.spikeB = tf.variable(tf.tensor1d([weights.spike.b]), true, `${net}/spike/b`);
    this.voltageW = tf.variable(tf.tensor2d(weights.voltage.w, [h, 1]), true, `${net}/voltage/w`);
    this.voltageB = tf.variable(tf.tensor1d([weights.voltage.b]), true, `${net}/voltage/b`);
  }

  /**
   * x: a batch of synapse events over L bins. With `history: 'included'` the first
   * receptiveField-1 bins are history only and T = L - receptiveField + 1 outputs come back; with
   * 'zeros' the input is taken to start from rest (every layer's history zero, as the step graph's
   * initial state) and T = L.
   */
  forward(x: SynapticBatch, history: 'included' | 'zeros'): NetworkOutputs {
    return tf.tidy(() => {
      // 'zeros' pads every layer's input (not just the network input): a layer at rest holds zeros
      // in its history, exactly the step graph's initial state.
      const zeros = history === 'zeros';
      let h = (this.layers[0].applySynaptic as NonNullable<TfLayer['applySynaptic']>)(
        zeros ? padSynaptic(x, this.histories[0]) : x,
      );
      for (let i = 1; i < this.layers.length; i++) {
        const apply = this.layers[i].apply as NonNullable<TfLayer['apply']>;
        h = apply(zeros ? padTime(h, this.histories[i]) : h);
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
      ...this.layers.flatMap((l) => Object.values(l.variables)),
      this.spikeW,
      this.spikeB,
      this.voltageW,
      this.voltageB,
    ];
  }

  /** the variables weight decay applies to: every weight tensor but the biases */
  decayedVariables(): tf.Variable[] {
    return [
      ...this.layers.flatMap((l) =>
        Object.entries(l.variables)
          .filter(([k]) => k !== 'b')
          .map(([, v]) => v),
      ),
      this.spikeW,
      this.voltageW,
    ];
  }

  read(): NetworkWeights {
    return {
      layers: this.layers.map((l) =>
        Object.fromEntries(Object.entries(l.variables).map(([k, v]) => [k, new Float32Array(v.dataSync())])),
      ),
      spike: { w: new Float32Array(this.spikeW.dataSync()), b: this.spikeB.dataSync()[0] },
      voltage: { w: new Float32Array(this.voltageW.dataSync()), b: this.voltageB.dataSync()[0] },
    };
  }

  assign(weights: NetworkWeights): void {
    checkWeights(this.spec, weights);
    this.layers.forEach((l, i) => {
      for (const [k, v] of Object.entries(l.variables)) v.assign(tf.tensor(weights.layers[i][k], v.shape));
    });
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

/** The batch with `bins` silent bins before each window (a cell at rest before the input starts). */
export function padSynaptic(x: SynapticBatch, bins: number): SynapticBatch {
  if (bins === 0) return x;
  const length = x.length + bins;
  const position = new Int32Array(x.position.length);
  for (let e = 0; e < position.length; e++) {
    const b = Math.floor(x.position[e] / x.length);
    position[e] = b * length + (x.position[e] - b * x.length) + bins;
  }
  return { ...x, length, dense: padTime(x.dense, bins), position };
}

/**
 * Initial weights: each layer kind's own initialisation, then the heads; the spike bias starts at
 * the logit of the training spike rate so the first steps are not spent learning the class prior.
 */
export function initialWeights(spec: NetworkSpec, rng: Rng, spikeRate: number): NetworkWeights {
  validateSpec(spec);
  const inputs = layerInputs(spec);
  const layers = spec.layers.map((l, i) => kindOf(l).init(l, inputs[i], rng));
  const h = hiddenSize(spec);
  const head = (): Float32Array => {
    const w = new Float32Array(h);
    for (let i = 0; i < h; i++) w[i] = rng.normal() / Math.sqrt(h);
    return w;
  };
  const p = Math.min(Math.max(spikeRate, 1e-6), 0.5);
  return { layers, spike: { w: head(), b: Math.log(p / (1 - p)) }, voltage: { w: head(), b: 0 } };
}
