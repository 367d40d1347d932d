/**
 * One interface for every layer kind of a surrogate. A kind's file owns all of it: its configuration
 * and validation, its weight shapes and initialisation, its tfjs form (training), its two ONNX forms
 * (sequence graph and streaming step graph) and the state its step carries between milliseconds.
 *
 * Layout conventions shared by all kinds:
 *   - tfjs: activations are [batch, length, channels]; a layer with `history` h reads bins
 *     t-h .. t of its input for its output at t, and returns the "valid" part (length - h bins);
 *   - ONNX sequence graph: activations are [batch, channels, time], every layer starts at rest
 *     (its input left-padded with h zeros), so the graph maps whole trials from rest;
 *   - ONNX step graph: one millisecond, activations [batch, channels], state tensors [batch, ...]
 *     that start as zeros — the same computation as the sequence graph at that bin.
 * The first layer of a network reads the synapses (kinds with `readsSynapses`): in the step graph
 * its input is the sparse list of spiking synapse ids (see src/core/manifest.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphBuilder } from '../onnx-graph.js';
import type { Rng } from '../../core/rng.js';

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid';
export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'tanh', 'sigmoid'];

/** The configuration of one layer: its kind's name plus that kind's options. */
export interface LayerConfigBase {
  kind: string;
}

/** Named weight arrays of one layer (shapes from the kind's `shapes`). */
export type LayerWeights = Record<string, Float32Array>;

/**
 * Spiking synapses of a training batch: input channel and flat position (b * length + t) of every
 * event, and the dense 0/1 tensor [batch, length, nInputs] of the same events.
 */
export interface SynapticBatch {
  batch: number;
  length: number;
  nInputs: number;
  dense: tf.Tensor3D;
  channel: Int32Array<ArrayBufferLike>;
  position: Int32Array<ArrayBufferLike>;
}

/** A layer's trainable form: its variables (by weight name) and its causal forward pass. */
export interface TfLayer {
  readonly variables: Record<string, tf.Variable>;
  /** hidden layers: [B, L, C] -> [B, L - history, F] */
  apply?(x: tf.Tensor3D): tf.Tensor3D;
  /** synaptic (first) layers: the batch's events -> [B, length - history, F] */
  applySynaptic?(x: SynapticBatch): tf.Tensor3D;
}

/** A state tensor of the step graph, without its batch axis. */
export interface StepState {
  /** suffix; the graph names it `<layer prefix>_<name>_in` / `_out` */
  name: string;
  dims: number[];
}

/** The input of a layer's step emitter: a dense row [B, C], or the padded spiking ids [B, slots]. */
export type StepInput = { form: 'dense'; tensor: string } | { form: 'active'; tensor: string };

export interface LayerKind<C extends LayerConfigBase> {
  readonly kind: C['kind'];
  /** one line for cards and help */
  readonly summary: string;
  /** true for kinds that read the synapses (and can only be the first layer) */
  readonly readsSynapses: boolean;
  /** throws an Error naming the problem when `config` is not a valid layer on `inChannels` inputs */
  validate(config: C, inChannels: number): void;
  outChannels(config: C, inChannels: number): number;
  /** bins of past input the output at t reads (0 for a pointwise layer) */
  history(config: C): number;
  /** weight name -> dims */
  shapes(config: C, inChannels: number): Record<string, number[]>;
  init(config: C, inChannels: number, rng: Rng): LayerWeights;
  /** multiply-adds of one streamed step, `activeInputs` synapses spiking (synaptic kinds) */
  stepMacs(config: C, inChannels: number, activeInputs: number): number;
  /**
   * Rough bytes of tensors one training step holds for this layer (forward values kept for the
   * gradient, and the gradient's own), for `batch` windows of `length` input bins with
   * `eventsPerBin` synapse events per bin. Used to refuse configurations that cannot fit.
   */
  trainingBytes(config: C, inChannels: number, batch: number, length: number, eventsPerBin: number): number;
  /** a one-line description, e.g. "causal conv 80 ms × 1 unit, linear" */
  describe(config: C, inChannels: number): string;
  tf(config: C, inChannels: number, weights: LayerWeights, name: string): TfLayer;
  /** sequence graph: x [B, C, T] (or [B, nInputs, T] of 0/1 spikes) -> [B, F, T], from rest */
  emitSequence(
    g: GraphBuilder,
    config: C,
    inChannels: number,
    weights: LayerWeights,
    x: string,
    prefix: string,
  ): string;
  stepState(config: C, inChannels: number): StepState[];
  /**
   * step graph: one millisecond of input -> [B, F], reading `state` (input tensor names, in
   * stepState order) and returning the next state's tensor names in the same order.
   */
  emitStep(
    g: GraphBuilder,
    config: C,
    inChannels: number,
    weights: LayerWeights,
    x: StepInput,
    state: string[],
    prefix: string,
  ): { out: string; next: string[] };
}

// ---- helpers shared by the kinds ----

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

export function emitActivation(g: GraphBuilder, x: string, activation: Activation): string {
  switch (activation) {
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

export function checkPositiveInt(layer: string, key: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new Error(`${layer}: '${key}' must be a positive integer, got ${JSON.stringify(v)}`);
}

export function checkActivation(layer: string, v: unknown): void {
  if (typeof v !== 'string' || !ACTIVATIONS.includes(v as Activation))
    throw new Error(
      `${layer}: 'activation' must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(v)}`,
    );
}

/** Rejects keys a kind does not know (a misspelt option would otherwise be ignored silently). */
export function checkKeys(layer: string, config: object, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (key !== 'kind' && !known.includes(key))
      throw new Error(`${layer}: unknown option '${key}' (options: ${known.join(', ')})`);
  }
}

/** Normal(0, std) weights. */
export function normalArray(n: number, std: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = std * rng.normal();
  return a;
}

/** He-style gain for relu, 1 otherwise. */
export function gain(activation: Activation): number {
  return activation === 'relu' ? 2 : 1;
}

/** x [B, L, C] left-padded with `bins` zeros along time. */
export function padTime(x: tf.Tensor3D, bins: number): tf.Tensor3D {
  return bins > 0
    ? tf.pad(x, [
        [0, 0],
        [bins, 0],
        [0, 0],
      ])
    : x;
}
