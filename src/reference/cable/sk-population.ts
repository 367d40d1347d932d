/**
 * SK (mechanisms/sk.ts) as a mechanism: I = ḡA·z·(V − E_K) at the present V, then z advanced by
 * exponential Euler towards z∞([Ca]i) of the [Ca]i just updated by the shell.
 */
import { skZInf, SK_TAU_MS } from '../mechanisms/sk.js';
import type { RateEvaluation } from './channel-population.js';
import { scalarTable, type VoltageGrid } from './gate-table.js';
import type { Mechanism } from './mechanism.js';
import type { CableKernels } from './wasm-kernels.js';
import { laneSlots, repeatPerLane, type CaIon, type Membrane } from './membrane.js';

/**
 * [Ca]i grid of the SK table, mM: z∞ = 1/(1 + (0.00043/c)^4.8) is smooth on this scale (relative
 * interpolation error < 1e-5 above 2e-5 mM); concentrations beyond it are evaluated exactly.
 */
const SK_GRID: VoltageGrid = { vMin: 0, vMax: 5e-3, step: 5e-8 };
const SK_TABLE_INV_STEP = 1 / SK_GRID.step;

export class SkPopulation implements Mechanism {
  readonly name = 'SK';
  readonly nodes: Int32Array;
  readonly lanes: number;
  /** ḡ, S/cm², per member */
  readonly gbar: Float64Array;
  /** gate state z per slot (member k of lane l: k·lanes + l) */
  readonly z: Float64Array;
  /** node-lane index of each slot */
  private readonly slots: Int32Array;
  /** ḡ·A·1e-2 per slot, µS */
  private readonly gA: Float64Array;
  private readonly retain: number;
  /** z∞ on a [Ca]i grid (empty with exact rates) */
  private readonly table: Float64Array;
  private readonly kernels: CableKernels | null;

  constructor(
    nodes: Int32Array,
    gbar: Float64Array,
    area: Float64Array,
    /** E_K per node and lane, mV */
    private readonly ek: Float64Array,
    private readonly ca: CaIon,
    private readonly membrane: Membrane,
    rates: RateEvaluation,
  ) {
    const L = membrane.lanes;
    this.nodes = nodes;
    this.lanes = L;
    this.gbar = gbar;
    const gA = new Float64Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) gA[k] = gbar[k] * area[nodes[k]] * 1e-2;
    const store = membrane.store;
    this.gA = store.place(repeatPerLane(gA, L));
    this.slots = store.place(laneSlots(nodes, L));
    this.z = store.f64(nodes.length * L);
    this.retain = Math.exp(-membrane.dt / SK_TAU_MS);
    this.table =
      rates === 'table' ? store.place(scalarTable('SK.zInf', skZInf, SK_GRID)) : new Float64Array(0);
    this.kernels = rates === 'table' ? membrane.kernels : null;
  }

  initialise(): void {
    const { slots, z } = this;
    const cai = this.ca.cai;
    for (let s = 0; s < slots.length; s++) z[s] = skZInf(cai[slots[s]]);
  }

  addCurrents(): void {
    const { slots, gA, z, ek } = this;
    const { v, cur, slope } = this.membrane;
    if (this.kernels) {
      // the one-gate channel loop with exponent 1: g = ḡA·z
      this.kernels.channel1Current(
        slots.length,
        slots.byteOffset,
        gA.byteOffset,
        z.byteOffset,
        1,
        v.byteOffset,
        ek.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        this.lanes,
      );
      return;
    }
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      const g = gA[s] * z[s];
      cur[i] += g * (v[i] - ek[i]);
      slope[i] += g;
    }
  }

  advance(): void {
    const { slots, z, table, retain } = this;
    const cai = this.ca.cai;
    const limit = table.length - 1;
    const k = this.kernels;
    for (let s = 0; s < slots.length; s++) {
      if (k) {
        const count = slots.length;
        s = k.skAdvance(
          s,
          count,
          slots.byteOffset,
          cai.byteOffset,
          table.byteOffset,
          limit,
          SK_TABLE_INV_STEP,
          retain,
          z.byteOffset,
          this.lanes,
        );
        if (s === count) break;
      }
      const c = cai[slots[s]];
      const pos = c * SK_TABLE_INV_STEP;
      let zInf: number;
      if (pos >= 0 && pos < limit) {
        const j = pos | 0;
        zInf = table[j] + (pos - j) * (table[j + 1] - table[j]);
      } else {
        zInf = skZInf(c);
      }
      z[s] = zInf + (z[s] - zInf) * retain;
    }
  }
}
