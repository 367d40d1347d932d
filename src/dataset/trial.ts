/**
 * One trial of a dataset in memory: the input spikes (sparse), the reference neuron's response at
 * 1 ms, the exact output spike times, and how the input was generated. This is what the dataset
 * stage writes to HDF5 and what the surrogate stage trains on.
 */
import type { InputRecord } from '../core/input-record.js';
import type { SpikeTrain } from '../core/spikes.js';

export interface Trial {
  /** seed the trial's input was drawn from */
  seed: number;
  /** number of 1-ms bins */
  durationMs: number;
  nExc: number;
  nInh: number;
  exc: SpikeTrain;
  inh: SpikeTrain;
  /** somatic voltage sample per bin (mV, unclipped), length durationMs */
  somaVoltage: Float32Array;
  /** exact output spike times, ms */
  spikeTimes: Float64Array;
  /** spike label per bin (0/1) under the cell's convention (src/core/conventions.ts) */
  spikeLabels: Uint8Array;
  /** how the input came about: the generator parameters drawn for this trial, or 'given' */
  generator: InputRecord;
  /**
   * optional: voltage of every dendritic compartment per bin, mV, sampled at t = k like the soma;
   * time-major [durationMs × nCompartments] with compartments in synapse order (basal, then apical)
   */
  dendriticVoltage?: Float32Array;
}
