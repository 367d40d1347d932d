/**
 * What an engine shares with its mechanisms: the per-node arrays of one substep, bound once at
 * construction so that a substep calls every mechanism without arguments, and the Ca ion of the
 * compartments that have a Ca shell.
 */
export type IntegrationMethod = 'backward-euler' | 'crank-nicolson';

export interface Membrane {
  readonly dt: number;
  readonly method: IntegrationMethod;
  /** membrane potential per node, mV */
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
}

/** The Ca ion, per node (meaningful in the shell nodes). */
export interface CaIon {
  /** nodes with a Ca shell */
  readonly nodes: Int32Array;
  /** [Ca]i, mM */
  readonly cai: Float64Array;
  /** E_Ca, mV */
  readonly eca: Float64Array;
  /** Ca current density of the substep, mA/cm² */
  readonly iCa: Float64Array;
  /** its slope, S/cm² */
  readonly gCa: Float64Array;
}
