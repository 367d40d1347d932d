/**
 * One trial of a dataset in memory: the input spikes (sparse), the reference neuron's response at
 * 1 ms, the exact output spike times, and how the input was generated. This is what the dataset
 * stage writes to HDF5 and what the surrogate stage trains on.
 */
export interface SparseSpikes {
  /** bin index (ms) of each spike, non-decreasing */
  times: Int32Array;
  /** synapse id of each spike */
  ids: Int32Array;
}

export interface Trial {
  /** seed the trial's input was drawn from */
  seed: number;
  /** number of 1-ms bins */
  durationMs: number;
  nExc: number;
  nInh: number;
  exc: SparseSpikes;
  inh: SparseSpikes;
  /** somatic voltage sample per bin (mV, unclipped), length durationMs */
  somaVoltage: Float32Array;
  /** exact output spike times, ms */
  spikeTimes: Float64Array;
  /** spike label per bin (0/1) under the cell's convention (src/reference/conventions.ts) */
  spikeLabels: Uint8Array;
  /** the generator parameters drawn for this trial (JSON-serialisable) */
  generator: Record<string, unknown>;
  /**
   * optional: voltage of every dendritic compartment per bin, mV, sampled at t = k like the soma;
   * time-major [durationMs × nCompartments] with compartments in synapse order (basal, then apical)
   */
  dendriticVoltage?: Float32Array;
}
