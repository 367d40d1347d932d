/**
 * `synaptic-conv`: a causal temporal convolution over the input synapses — the first layer of the
 * paper's networks (and, with kernel 1 and linear units, a projection of the synapses onto a few
 * channels):
 *   y[t, f] = act( b[f] + sum_{j<k} sum_s x[t - j, s] · w[k-1-j, s, f] ),   x ∈ {0, 1}
 *
 * Streaming keeps no input history: a spike on synapse s at t adds w[k-1-ℓ, s, :] to the output
 * due at t + ℓ, so the state is a queue of the (k-1) future outputs' partial sums [k-1, F] and a
 * step costs (spiking synapses) × k × F (Fast WaveNet's queues).
 */
import * as tf from '@tensorflow/tfjs';
import { causalTaps, sparseCausalTaps } from './causal-taps.js';
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

export interface SynapticConvConfig extends LayerConfigBase {
  kind: 'synaptic-conv';
  /** taps, ms */
  kernel: number;
  filters: number;
  activation: Activation;
}

/**
 * Dense training reads every (bin, synapse) pair, sparse training every event with a constant
 * factor for its gathers and scatters; the cheaper one is used per batch.
 */
const SPARSE_EVENT_COST = 16;

export const synapticConv: LayerKind<SynapticConvConfig> = {
  kind: 'synaptic-conv',
  summary: 'causal temporal convolution over the input synapses (streams as queues of future outputs)',
  readsSynapses: true,
  validate(c) {
    const at = `synaptic-conv`;
    checkKeys(at, c, ['kernel', 'filters', 'activation']);
    checkPositiveInt(at, 'kernel', c.kernel);
    checkPositiveInt(at, 'filters', c.filters);
    checkActivation(at, c.activation);
  },
  outChannels: (c) => c.filters,
  history: (c) => c.kernel - 1,
  shapes: (c, nIn) => ({ w: [c.kernel, nIn, c.filters], b: [c.filters] }),
  init: (c, nIn, rng) => ({
    w: normalArray(c.kernel * nIn * c.filters, Math.sqrt(gain(c.activation) / (c.kernel * nIn)), rng),
    b: new Float32Array(c.filters),
  }),
  // the cheaper of the two training forms (see applySynaptic): dense keeps the [B·L, k·F] tap
  // products and their transposes, sparse the (event, tap) index lists and the output rows
  trainingBytes(c, nIn, batch, length, eventsPerBin) {
    const events = batch * length * eventsPerBin;
    const sparse = events * SPARSE_EVENT_COST < batch * length * nIn;
    const out = batch * length * c.filters * 4 * 3;
    return sparse ? events * c.kernel * 4 * 6 + out : batch * length * c.kernel * c.filters * 4 * 4 + out;
  },
  stepMacs: (c, _nIn, active) => active * c.kernel * c.filters + c.kernel * c.filters,
  describe: (c) =>
    c.kernel === 1
      ? `synapses → ${c.filters} channel(s), ${c.activation}`
      : `causal conv over the synapses, ${c.kernel} ms × ${c.filters} unit(s), ${c.activation}`,

  tf(c, nIn, weights, name) {
    const w = tf.variable(tf.tensor3d(weights.w, [c.kernel, nIn, c.filters]), true, `${name}/w`);
    const b = tf.variable(tf.tensor1d(weights.b), true, `${name}/b`);
    return {
      variables: { w, b },
      applySynaptic: (x) =>
        tf.tidy(() => {
          const outLen = x.length - c.kernel + 1;
          const denseCost = x.batch * x.length * nIn;
          const pre =
            x.channel.length * SPARSE_EVENT_COST < denseCost
              ? sparseCausalTaps(x, w)
              : tf.reshape(causalTaps(x.dense, w), [x.batch, outLen, c.filters]);
          return activate(tf.add(pre, b), c.activation) as tf.Tensor3D;
        }),
    };
  },

  emitSequence(g, c, nIn, weights, x, prefix) {
    const padded =
      c.kernel > 1 ? g.node('Pad', [x, g.int64Init(`${prefix}_pads`, [0, 0, c.kernel - 1, 0, 0, 0])]) : x;
    const w = g.floatInit(
      `${prefix}_w`,
      [c.filters, nIn, c.kernel],
      toConvLayout(weights.w, c.kernel, nIn, c.filters),
    );
    const b = g.floatInit(`${prefix}_b`, [c.filters], weights.b);
    return emitActivation(g, g.node('Conv', [padded, w, b], { kernel_shape: [c.kernel] }), c.activation);
  },

  stepState: (c) => (c.kernel > 1 ? [{ name: 'queue', dims: [c.kernel - 1, c.filters] }] : []),

  emitStep(g, c, nIn, weights, x, state, prefix) {
    if (x.form !== 'active') throw new Error('synaptic-conv: the step input must be the spiking synapse ids');
    const k = c.kernel;
    const F = c.filters;
    const table = g.floatInit(`${prefix}_by_synapse`, [nIn + 1, k * F], byLag(weights.w, k, nIn, F));
    const gathered = g.node('Gather', [table, x.tensor], { axis: 0 }); // [B, slots, k*F]
    const contrib = g.node('ReduceSum', [gathered, g.int64Init(`${prefix}_slot_axis`, [1])], { keepdims: 0 });
    const b = g.floatInit(`${prefix}_b`, [F], weights.b);
    if (k === 1) return { out: emitActivation(g, g.node('Add', [contrib, b]), c.activation), next: [] };
    const byLagNow = g.node('Reshape', [contrib, g.int64Init(`${prefix}_lags`, [0, k, F])]); // [B, k, F]
    // the queue holds lags 1..k-1 of earlier spikes; pad it to k lags (a zero for lag k-1)
    const queue = g.node('Pad', [state[0], g.int64Init(`${prefix}_queue_pads`, [0, 0, 0, 0, 1, 0])]);
    const total = g.node('Add', [byLagNow, queue]);
    const axis = g.int64Init(`${prefix}_axis1`, [1]);
    const now = g.node('Slice', [
      total,
      g.int64Init(`${prefix}_s0`, [0]),
      g.int64Init(`${prefix}_e1`, [1]),
      axis,
    ]);
    const next = g.node('Slice', [
      total,
      g.int64Init(`${prefix}_s1`, [1]),
      g.int64Init(`${prefix}_ek`, [k]),
      axis,
    ]);
    const flat = g.node('Reshape', [now, g.int64Init(`${prefix}_row`, [0, F])]);
    return { out: emitActivation(g, g.node('Add', [flat, b]), c.activation), next: [next] };
  },
};

/** [k][C][F] taps -> ONNX Conv weight [F][C][k]. */
export function toConvLayout(w: Float32Array, k: number, C: number, F: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let j = 0; j < k; j++)
    for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) out[(f * C + c) * k + j] = w[(j * C + c) * F + f];
  return out;
}

/** Per synapse, its taps ordered by lag (lag ℓ = tap k-1-ℓ), plus a zero row for the padding id. */
function byLag(w: Float32Array, k: number, nIn: number, F: number): Float32Array {
  const out = new Float32Array((nIn + 1) * k * F);
  for (let s = 0; s < nIn; s++)
    for (let lag = 0; lag < k; lag++)
      for (let f = 0; f < F; f++) out[(s * k + lag) * F + f] = w[((k - 1 - lag) * nIn + s) * F + f];
  return out;
}
