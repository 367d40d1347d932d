/**
 * What an engine shares with its mechanisms: the per-node arrays of one substep, bound once at
 * construction so that a substep calls every mechanism without arguments, and the Ca ion of the
 * compartments that have a Ca shell.
 */
import type { ArrayStore } from './array-store.js';
import type { CableKernels } from './wasm-kernels.js';

export type IntegrationMethod = 'backward-euler' | 'crank-nicolson';

/**
 * Several trials of one cell may be stepped in lockstep ("lanes"): every per-node array then holds
 * node i of lane l at i·lanes + l, so that each node's arithmetic runs across the trials.
 */
export interface Membrane {
  readonly dt: number;
  readonly method: IntegrationMethod;
  /** trials stepped in lockstep (≥ 1) */
  readonly lanes: number;
  /** membrane potential per node and lane, mV */
  readonly v: Float64Array;
  /** membrane current of the substep per node, nA (outward positive) */
  readonly cur: Float64Array;
  /** its slope dI/dV, µS */
  readonly slope: Float64Array;
  /**
   * the solution of the substep's tree system: ΔV (backward Euler) or the half-step change δ with
   * V ← V + 2δ (Crank–Nicolson), mV
   */
  readonly dv: Float64Array;
  /** where the mechanisms put their arrays */
  readonly store: ArrayStore;
  /** the WebAssembly kernels working on the store's memory, or null for the plain-JS loops */
  readonly kernels: CableKernels | null;
}

/** The Ca ion, per node and lane (meaningful in the shell nodes). */
export interface CaIon {
  /** nodes with a Ca shell */
  readonly nodes: Int32Array;
  /** their node-lane indices, lane-minor (laneSlots) */
  readonly slots: Int32Array;
  /** [Ca]i, mM */
  readonly cai: Float64Array;
  /** E_Ca, mV */
  readonly eca: Float64Array;
  /** Ca current density of the substep, mA/cm² */
  readonly iCa: Float64Array;
  /** its slope, S/cm² */
  readonly gCa: Float64Array;
}

/**
 * The slots of members across lanes: member k (at node nodes[k]) of lane l is slot k·lanes + l and
 * reads node-lane index nodes[k]·lanes + l. With one lane the slots are the nodes themselves, so a
 * loop over slots is the one-trial loop over members.
 */
export function laneSlots(nodes: Int32Array, lanes: number): Int32Array {
  if (lanes === 1) return nodes;
  const slots = new Int32Array(nodes.length * lanes);
  for (let k = 0; k < nodes.length; k++) {
    for (let l = 0; l < lanes; l++) slots[k * lanes + l] = nodes[k] * lanes + l;
  }
  return slots;
}

/** Per-member (or per-node) values repeated for every lane: entry k·lanes + l = values[k]. */
export function repeatPerLane(values: Float64Array, lanes: number): Float64Array {
  if (lanes === 1) return values;
  const out = new Float64Array(values.length * lanes);
  for (let k = 0; k < values.length; k++) out.fill(values[k], k * lanes, (k + 1) * lanes);
  return out;
}
