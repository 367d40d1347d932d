/**
 * The two ONNX forms of a surrogate (tensor contract in src/core/manifest.ts), assembled from
 * its layers' own emitters plus the two heads. Weights are expected with the voltage head already
 * in mV (foldVoltageTarget).
 */
import { type NetworkSpec, type NetworkWeights, layerInputs } from '../surrogate/architectures/spec.js';
import { kindOf } from '../surrogate/layers/catalogue.js';
import type { StepInput } from '../surrogate/layers/layer-kind.js';
import { GraphBuilder } from '../surrogate/onnx-graph.js';
import type { StateTensorSpec } from '../core/manifest.js';

export const INPUT = 'input';
export const ACTIVE = 'active';
export const SPIKE_PROB = 'spike_prob';
export const VOLTAGE = 'voltage';

/** Names and shapes of the step graph's state tensors, layer by layer. */
export function stepStateSpecs(spec: NetworkSpec): {
  inputs: StateTensorSpec[];
  outputs: StateTensorSpec[];
} {
  const inputs: StateTensorSpec[] = [];
  const outputs: StateTensorSpec[] = [];
  const channels = layerInputs(spec);
  spec.layers.forEach((l, i) => {
    for (const s of kindOf(l).stepState(l, channels[i])) {
      inputs.push({ name: `layer${i}_${s.name}_in`, shape: ['batch', ...s.dims] });
      outputs.push({ name: `layer${i}_${s.name}_out`, shape: ['batch', ...s.dims] });
    }
  });
  return { inputs, outputs };
}

/** Floats of step state per stream. */
export function stepStateSize(spec: NetworkSpec): number {
  return stepStateSpecs(spec).inputs.reduce(
    (n, s) => n + s.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1),
    0,
  );
}

/** sequence.onnx: [batch, time, inputs] (0/1 spikes) -> spike_prob, voltage [batch, time], from rest. */
export function buildSequenceGraph(spec: NetworkSpec, weights: NetworkWeights, doc: string): Uint8Array {
  const g = new GraphBuilder('surrogate_sequence');
  const x = g.input(INPUT, ['batch', 'time', spec.nInputs]);
  let h = g.node('Transpose', [x], { perm: [0, 2, 1] }); // [B, C, T]
  const channels = layerInputs(spec);
  spec.layers.forEach((l, i) => {
    h = kindOf(l).emitSequence(g, l, channels[i], weights.layers[i], h, `layer${i}`);
  });
  const hidden = g.node('Transpose', [h], { perm: [0, 2, 1] }); // [B, T, H]
  heads(g, weights, hidden, 2);
  g.output(SPIKE_PROB, ['batch', 'time']);
  g.output(VOLTAGE, ['batch', 'time']);
  return g.encode(doc);
}

/**
 * step.onnx: one millisecond as the padded ids of the spiking synapses ('active' [batch, slots],
 * id nInputs = no synapse) plus every layer's state -> the bin's outputs and the next state.
 */
export function buildStepGraph(spec: NetworkSpec, weights: NetworkWeights, doc: string): Uint8Array {
  const g = new GraphBuilder('surrogate_step');
  const state = stepStateSpecs(spec);
  const channels = layerInputs(spec);
  let x: StepInput = { form: 'active', tensor: g.input(ACTIVE, ['batch', 'slots'], 'int64') };
  let s = 0;
  spec.layers.forEach((l, i) => {
    const kind = kindOf(l);
    const n = kind.stepState(l, channels[i]).length;
    const ins = state.inputs.slice(s, s + n).map((t) => g.input(t.name, t.shape));
    const { out, next } = kind.emitStep(g, l, channels[i], weights.layers[i], x, ins, `layer${i}`);
    next.forEach((name, j) => g.node('Identity', [name], {}, state.outputs[s + j].name));
    s += n;
    x = { form: 'dense', tensor: out };
  });
  heads(g, weights, x.tensor, 1);
  g.output(SPIKE_PROB, ['batch']);
  g.output(VOLTAGE, ['batch']);
  for (const o of state.outputs) g.output(o.name, o.shape);
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
