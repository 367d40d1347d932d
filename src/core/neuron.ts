/**
 * The contract every neuron honours, for one millisecond at a time: the I&F point neuron, the
 * compartmental L5PC and (through the inference stage) a surrogate.
 *
 * Time bin k is the interval [k, k+1) ms; the input spikes of bin k are delivered at t = k.
 * The outputs of bin k follow the cell's sampling and labelling convention (see ./conventions.ts):
 * for the I&F neuron they are known as soon as bin k is stepped; for the compartmental cell the spike
 * label of bin k collects peaks in [k+0.5, k+1.5) ms, so it is known one bin later (outputDelay = 1).
 */
export interface BinOutput {
  /** Index of the bin these outputs belong to. */
  bin: number;
  /** Somatic voltage sample of the bin (mV, unclipped). */
  voltage: number;
  /** Spike label of the bin. */
  spike: boolean;
}

export interface Neuron {
  /** Cell id, e.g. 'if', 'l5pc-nmda'. */
  readonly cell: string;
  readonly nExc: number;
  readonly nInh: number;
  /** Bins between stepping bin k and the availability of bin k's outputs. */
  readonly outputDelay: number;
  /** Number of bins stepped since the last reset. */
  readonly binsStepped: number;
  /**
   * Advance one 1-ms bin. `exc` and `inh` hold the ids of the synapses that received a spike in
   * this bin (duplicates are ignored). Writes the outputs of bin (binsStepped - 1 - outputDelay)
   * into `out` and returns true, or returns false while no bin is complete yet.
   * Must not allocate per call.
   */
  step(exc: ArrayLike<number>, inh: ArrayLike<number>, out: BinOutput): boolean;
  /** Exact output spike times (ms) detected so far since reset, in order. */
  spikeTimes(): readonly number[];
  /** Back to the initial state of a trial (t = 0). */
  reset(): void;
  /** A deep copy of the full dynamical state, restorable with restore(). */
  snapshot(): NeuronSnapshot;
  restore(snapshot: NeuronSnapshot): void;
}

/** Opaque, structured-clone-able state of a neuron (typed arrays and numbers). */
export type NeuronSnapshot = { readonly cell: string } & Record<string, unknown>;

/** Raised for input a neuron cannot accept (synapse id out of range, non-integer id, ...). */
export class NeuronInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeuronInputError';
  }
}
