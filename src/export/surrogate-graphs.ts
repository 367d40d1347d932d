import type { Activation, LayerWeights, NetworkWeights } from '../surrogate/architectures/spec.js';
import type { StateTensorSpec } from '../core/manifest.js';
import { GraphBuilder } from './onnx-graph.js';

/**
 * The two ONNX forms of a causal-conv surrogate (tensor contract in src/core/manifest.ts).
 * Weights are expected with the voltage head already in mV (foldVoltageTarget).
 */

export const INPUT = 'input';
export const SPIKE_PROB = 'spike_prob';
export const VOLTAGE = 'voltage';

/** Names and shapes of the step graph's state: one ring buffer per conv layer with kernel > 1. */
export function stepStateSpecs(weights: NetworkWeights): {
  inputs: StateTensorSpec[];
  outputs: StateTensorSpec[];
} {
  const inputs: StateTensorSpec[] = [];
  const outputs: StateTensorSpec[] = [];
  weights.layers.forEach((l, i) => {
    if (l.kernel < 2) return;
    const shape: StateTensorSpec['shape'] = ['batch', l.kernel - 1, l.inChannels];
    inputs.push({ name: `conv${i}_history_in`, shape });
    outputs.push({ name: `conv${i}_history_out`, shape });
  });
  return { inputs, outputs };
}

/**
 * sequence.onnx: [batch, time, inputs] -> spike_prob, voltage [batch, time]. Each layer left-pads
 * time by kernel-1 zeros (the cell starts at rest) and runs a Conv with weight[o, c, j] = w[j, c, o].
 */
export function buildSequenceGraph(weights: NetworkWeights, doc: string): Uint8Array {
  const g = new GraphBuilder('surrogate_sequence');
  const nIn = weights.layers[0].inChannels;
  const x = g.input(INPUT, ['batch', 'time', nIn]);
  let h = g.node('Transpose', [x], { perm: [0, 2, 1] }); // [B, C, T]
  weights.layers.forEach((l, i) => {
    if (l.kernel > 1) h = g.node('Pad', [h, g.int64Init(`conv${i}_pads`, [0, 0, l.kernel - 1, 0, 0, 0])]);
    const w = g.floatInit(`conv${i}_w`, [l.filters, l.inChannels, l.kernel], convWeight(l));
    const b = g.floatInit(`conv${i}_b`, [l.filters], l.b);
    h = activation(g, g.node('Conv', [h, w, b], { kernel_shape: [l.kernel] }), l.activation);
  });
  const hidden = g.node('Transpose', [h], { perm: [0, 2, 1] }); // [B, T, H]
  heads(g, weights, hidden, 2);
  g.output(SPIKE_PROB, ['batch', 'time']);
  g.output(VOLTAGE, ['batch', 'time']);
  return g.encode(doc);
}

/**
 * step.onnx: one bin [batch, inputs] plus each layer's last kernel-1 inputs [batch, kernel-1, C]
 * (oldest first) -> outputs of the bin and the shifted histories. The window [history, x] times the
 * flattened taps w[(j*C + c), o] is exactly the sequence graph's convolution at that bin.
 */
export function buildStepGraph(weights: NetworkWeights, doc: string): Uint8Array {
  const g = new GraphBuilder('surrogate_step');
  const nIn = weights.layers[0].inChannels;
  let h = g.input(INPUT, ['batch', nIn]);
  const state = stepStateSpecs(weights);
  let s = 0;
  weights.layers.forEach((l, i) => {
    let window = h;
    if (l.kernel > 1) {
      const histIn = g.input(state.inputs[s].name, ['batch', l.kernel - 1, l.inChannels]);
      const x3 = g.node('Unsqueeze', [h, g.int64Init('axis1', [1])]);
      const full = g.node('Concat', [histIn, x3], { axis: 1 }); // [B, k, C]
      g.node(
        'Slice',
        [full, g.int64Init('starts', [1]), g.int64Init('ends', [l.kernel]), g.int64Init('axes', [1])],
        {},
        state.outputs[s].name,
      );
      window = g.node('Reshape', [full, g.int64Init('flat', [0, l.kernel * l.inChannels])]);
      s++;
    }
    const w = g.floatInit(`conv${i}_w`, [l.kernel * l.inChannels, l.filters], l.w);
    const b = g.floatInit(`conv${i}_b`, [l.filters], l.b);
    h = activation(g, g.node('Add', [g.node('MatMul', [window, w]), b]), l.activation);
  });
  heads(g, weights, h, 1);
  g.output(SPIKE_PROB, ['batch']);
  g.output(VOLTAGE, ['batch']);
  for (const o of state.outputs)
    g.output(
      o.name,
      o.shape.map((d) => (d === 'batch' ? 'batch' : d)),
    );
  return g.encode(doc);
}

/** Spike and voltage heads on hidden [..., H]; `axis` is the trailing axis to squeeze. */
function heads(g: GraphBuilder, weights: NetworkWeights, hidden: string, axis: number): void {
  const H = weights.spike.w.length;
  const squeezeAxis = g.int64Init('squeeze_axis', [axis]);
  const affine = (name: string, w: Float32Array, b: number): string =>
    g.node('Add', [
      g.node('MatMul', [hidden, g.floatInit(`${name}_w`, [H, 1], w)]),
      g.floatInit(`${name}_b`, [1], Float32Array.of(b)),
    ]);
  g.node(
    'Squeeze',
    [g.node('Sigmoid', [affine('spike', weights.spike.w, weights.spike.b)]), squeezeAxis],
    {},
    SPIKE_PROB,
  );
  g.node('Squeeze', [affine('voltage', weights.voltage.w, weights.voltage.b), squeezeAxis], {}, VOLTAGE);
}

function activation(g: GraphBuilder, x: string, act: Activation): string {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x]);
    case 'tanh':
      return g.node('Tanh', [x]);
    case 'sigmoid':
      return g.node('Sigmoid', [x]);
  }
}

/** [kernel][in][out] -> ONNX Conv layout [out][in][kernel]. */
function convWeight(l: LayerWeights): Float32Array {
  const out = new Float32Array(l.w.length);
  for (let j = 0; j < l.kernel; j++) {
    for (let c = 0; c < l.inChannels; c++) {
      for (let o = 0; o < l.filters; o++)
        out[(o * l.inChannels + c) * l.kernel + j] = l.w[(j * l.inChannels + c) * l.filters + o];
    }
  }
  return out;
}
