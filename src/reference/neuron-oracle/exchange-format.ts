import type { MechanismName, SynapseParams } from '../mechanisms/catalogue.js';
import type { Region } from '../morphology/types.js';

export type { MechanismName, SynapseKind, SynapseParams } from '../mechanisms/catalogue.js';

/**
 * The exchange format of the NEURON oracle: a self-contained description of a compartmental cell
 * and an experiment on it, exported by the TypeScript engine so that an independent simulator
 * (NEURON, run_protocol.py) can build the very same cell and run the very same protocol.
 * JSON-serialisable. Units as in the spec (µm, mV, ms, S/cm², µF/cm², Ω·cm, µS, nA). The
 * mechanism and synapse vocabularies belong to the mechanisms catalogue and are re-exported here.
 */
export interface SectionDescription {
  name: string;
  region: Region;
  /** parent section index, -1 for the soma */
  parent: number;
  /** 0.5 (soma centre) or 1 (distal end of the parent) */
  parentX: number;
  nseg: number;
  /** [x, y, z, diameter] in µm */
  points: [number, number, number, number][];
  cm: number;
  ra: number;
  gPas: number;
  ePas: number;
  /** maximal conductance density per segment (length nseg), S/cm² */
  mechanisms: Partial<Record<MechanismName, number[]>>;
  /** Ca shell per segment (present where Ca channels are) */
  caShell?: { gamma: number[]; decay: number[]; depth: number; minCai: number; initCai: number };
  ena?: number;
  ek?: number;
  eh?: number;
}

export interface SynapseDescription {
  /** 'exc' ids 0..nExc-1 and 'inh' ids 0..nInh-1, as in the neuron interface */
  type: 'exc' | 'inh';
  id: number;
  section: number;
  x: number;
}

export interface CellDescription {
  format: 'neurotwin-cell';
  version: 1;
  cell: string;
  /** temperature for the Nernst E_Ca, °C */
  celsius: number;
  vInit: number;
  sections: SectionDescription[];
  synapseTypes: { exc: SynapseParams; inh: SynapseParams };
  synapses: SynapseDescription[];
}

/** An experiment on a described cell. */
export interface ProtocolDescription {
  dt: number;
  tstop: number;
  /** 'backward-euler' (NEURON secondorder 0) or 'crank-nicolson' (secondorder 2) */
  method: 'backward-euler' | 'crank-nicolson';
  /** input events as [synapse id, time ms] pairs */
  events: { exc: [number, number][]; inh: [number, number][] };
  iclamps: { section: number; x: number; delay: number; dur: number; amp: number }[];
  /** voltage-clamp family for single-compartment mechanism checks */
  vclamps?: { section: number; x: number; levels: { dur: number; amp: number }[] }[];
  /** what to record, sampled every recordEvery ms */
  record: { name: string; section: number; x: number; variable?: string }[];
  recordEvery: number;
}
