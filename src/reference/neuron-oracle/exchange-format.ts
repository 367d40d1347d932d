import type { Region } from '../morphology/types.js';

/**
 * A self-contained description of a compartmental cell and an experiment on it, exported by the
 * TypeScript engine so that an independent simulator (NEURON, test/validation/) can build the very
 * same cell and run the very same protocol. JSON-serialisable. Units as in the spec (µm, mV, ms,
 * S/cm², µF/cm², Ω·cm, µS, nA).
 */
export type MechanismName =
  | 'NaTs2' // transient Na, soma/apical (spec 4.1)
  | 'NaTa' // transient Na, axonal (4.2)
  | 'NaP' // persistent Na (4.3)
  | 'KT' // transient K (4.4)
  | 'KP' // persistent K (4.5)
  | 'Kv31' // Kv3.1 (4.6)
  | 'SK' // Ca-activated K (4.7)
  | 'Im' // M current (4.8)
  | 'Ih' // HCN (4.9)
  | 'CaHVA' // (4.10)
  | 'CaLVA'; // (4.11)

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

export type SynapseKind = 'ampa-nmda' | 'ampa' | 'gaba-a';

export interface SynapseParams {
  kind: SynapseKind;
  /** AMPA (or GABA_A) rise/decay, ms */
  tauRise: number;
  tauDecay: number;
  /** NMDA component (ampa-nmda only), ms */
  tauRiseNmda?: number;
  tauDecayNmda?: number;
  /** peak conductance, µS */
  gmax: number;
  /** reversal, mV */
  e: number;
  /** [Mg]o, mM (ampa-nmda only) */
  mg?: number;
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
