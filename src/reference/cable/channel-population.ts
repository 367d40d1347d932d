/**
 * One voltage-gated channel type over all the nodes that carry it, struct-of-arrays:
 * node indices, ḡ·A products, gate states. Two jobs per substep (spec §6.2):
 *   - add its current I = ḡA·Π x^p·(V − E) [nA] and slope G = ḡA·Π x^p [µS] at the present V
 *     (Ca channels also add their current density to i_Ca and its slope, for the Ca shell);
 *   - advance the gates by exponential Euler at the new V: x ← x∞ + (x − x∞)·e^(−dt/τ).
 */
import type { ChannelDefinition, ChannelIon, GateDefinition } from '../mechanisms/rate-helpers.js';
import { channelTable, type VoltageGrid } from './gate-table.js';
import type { Mechanism } from './mechanism.js';
import type { CaIon, Membrane } from './membrane.js';

export type RateEvaluation = 'table' | 'exact';

function power(x: number, p: number): number {
  switch (p) {
    case 1:
      return x;
    case 2:
      return x * x;
    case 3:
      return x * x * x;
    case 4: {
      const x2 = x * x;
      return x2 * x2;
    }
    default:
      return Math.pow(x, p);
  }
}

export class ChannelPopulation implements Mechanism {
  readonly name: string;
  readonly isCa: boolean;
  readonly ion: ChannelIon;
  readonly nGates: number;
  readonly count: number;
  /** node index of each member */
  readonly nodes: Int32Array;
  /** ḡ·A·1e-2, µS */
  readonly gA: Float64Array;
  /** ḡ, S/cm² */
  readonly gbar: Float64Array;
  /** gate states; gate 1 is empty for one-gate channels */
  readonly gate0: Float64Array;
  readonly gate1: Float64Array;
  private readonly p0: number;
  private readonly p1: number;
  private readonly defs: readonly GateDefinition[];
  private readonly table: Float64Array;
  private readonly vMin: number;
  private readonly vMax: number;
  private readonly invStep: number;
  private readonly exact: boolean;
  private readonly dt: number;
  /** reversal per node, mV (for Ca channels: the live E_Ca of the Ca ion) */
  private readonly e: Float64Array;
  private readonly iCa: Float64Array;
  private readonly gCa: Float64Array;

  constructor(
    def: ChannelDefinition,
    tableKey: string,
    nodes: Int32Array,
    gbar: Float64Array,
    area: Float64Array,
    /** reversal per node, mV (ignored for Ca channels, which take E_Ca of `ca`) */
    e: Float64Array,
    private readonly membrane: Membrane,
    /** the Ca ion (required for Ca channels) */
    ca: CaIon | null,
    rates: RateEvaluation,
    grid: VoltageGrid,
  ) {
    if (def.gates.length < 1 || def.gates.length > 2) {
      throw new RangeError(`channel ${def.name}: 1 or 2 gates supported, got ${def.gates.length}`);
    }
    const dt = membrane.dt;
    if (def.ion === 'ca') {
      if (!ca) throw new RangeError(`Ca channel ${def.name} needs a Ca ion`);
      this.e = ca.eca;
      this.iCa = ca.iCa;
      this.gCa = ca.gCa;
    } else {
      this.e = e;
      this.iCa = new Float64Array(0);
      this.gCa = new Float64Array(0);
    }
    this.name = def.name;
    this.isCa = def.ion === 'ca';
    this.ion = def.ion;
    this.nGates = def.gates.length;
    this.count = nodes.length;
    this.nodes = nodes;
    this.gbar = gbar;
    this.gA = new Float64Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) this.gA[k] = gbar[k] * area[nodes[k]] * 1e-2;
    this.gate0 = new Float64Array(nodes.length);
    this.gate1 = new Float64Array(this.nGates > 1 ? nodes.length : 0);
    this.p0 = def.exponents[0];
    this.p1 = this.nGates > 1 ? def.exponents[1] : 0;
    this.defs = def.gates;
    this.dt = dt;
    this.exact = rates === 'exact';
    this.vMin = grid.vMin;
    this.vMax = grid.vMax;
    this.invStep = 1 / grid.step;
    this.table = this.exact ? new Float64Array(0) : channelTable(tableKey, def.gates, dt, grid);
  }

  /** Every gate at its steady state for the node voltages. */
  initialise(): void {
    const v = this.membrane.v;
    for (let k = 0; k < this.count; k++) {
      const vk = v[this.nodes[k]];
      this.gate0[k] = this.defs[0].inf(vk);
      if (this.nGates > 1) this.gate1[k] = this.defs[1].inf(vk);
    }
  }

  /** Open fraction Π x^p of member k. */
  openFraction(k: number): number {
    const o = power(this.gate0[k], this.p0);
    return this.nGates > 1 ? o * power(this.gate1[k], this.p1) : o;
  }

  /**
   * I[node] += ḡA·o·(V − E), G[node] += ḡA·o; Ca channels also iCa[node] += ḡ·o·(V − E_Ca) (mA/cm²)
   * and gCa[node] += ḡ·o (S/cm²).
   */
  addCurrents(): void {
    if (this.isCa) this.addCaCurrents();
    else if (this.nGates > 1) this.addCurrents2();
    else this.addCurrents1();
  }

  private addCurrents1(): void {
    const { nodes, gA, gate0, e, p0 } = this;
    const { v, cur, slope } = this.membrane;
    for (let k = 0; k < this.count; k++) {
      const i = nodes[k];
      const g = gA[k] * power(gate0[k], p0);
      cur[i] += g * (v[i] - e[i]);
      slope[i] += g;
    }
  }

  private addCurrents2(): void {
    const { nodes, gA, gate0, gate1, e, p0, p1 } = this;
    const { v, cur, slope } = this.membrane;
    for (let k = 0; k < this.count; k++) {
      const i = nodes[k];
      const g = gA[k] * (power(gate0[k], p0) * power(gate1[k], p1));
      cur[i] += g * (v[i] - e[i]);
      slope[i] += g;
    }
  }

  private addCaCurrents(): void {
    const { nodes, gA, gbar, gate0, gate1, e, p0, p1, iCa, gCa } = this;
    const { v, cur, slope } = this.membrane;
    const two = this.nGates > 1;
    for (let k = 0; k < this.count; k++) {
      const i = nodes[k];
      const o = two ? power(gate0[k], p0) * power(gate1[k], p1) : power(gate0[k], p0);
      const drive = v[i] - e[i];
      const g = gA[k] * o;
      cur[i] += g * drive;
      slope[i] += g;
      const gd = gbar[k] * o;
      iCa[i] += gd * drive;
      gCa[i] += gd;
    }
  }

  /** Exponential-Euler update of every gate at the new voltages. */
  advance(): void {
    const v = this.membrane.v;
    if (this.exact) {
      this.updateExact(v, 0, this.gate0);
      if (this.nGates > 1) this.updateExact(v, 1, this.gate1);
    } else if (this.nGates > 1) {
      this.updateTabulated2(v);
    } else {
      this.updateTabulated1(v);
    }
  }

  // The tables hold, per grid point, [x∞, a] for each gate with a = 1 − e^(−dt/τ), so that
  // x ← x + a·(x∞ − x); both gates of a channel share one row (one cache line per lookup).
  private updateTabulated1(v: Float64Array): void {
    const { nodes, vMin, vMax, invStep, table, gate0 } = this;
    for (let k = 0; k < this.count; k++) {
      const vk = v[nodes[k]];
      if (vk >= vMin && vk < vMax) {
        const pos = (vk - vMin) * invStep;
        const j = pos | 0;
        const f = pos - j;
        const b = 2 * j;
        const inf = table[b] + f * (table[b + 2] - table[b]);
        const a = table[b + 1] + f * (table[b + 3] - table[b + 1]);
        gate0[k] += a * (inf - gate0[k]);
      } else {
        gate0[k] = this.exactGate(0, vk, gate0[k]);
      }
    }
  }

  private updateTabulated2(v: Float64Array): void {
    const { nodes, vMin, vMax, invStep, table, gate0, gate1 } = this;
    for (let k = 0; k < this.count; k++) {
      const vk = v[nodes[k]];
      if (vk >= vMin && vk < vMax) {
        const pos = (vk - vMin) * invStep;
        const j = pos | 0;
        const f = pos - j;
        const b = 4 * j;
        const inf0 = table[b] + f * (table[b + 4] - table[b]);
        const a0 = table[b + 1] + f * (table[b + 5] - table[b + 1]);
        const inf1 = table[b + 2] + f * (table[b + 6] - table[b + 2]);
        const a1 = table[b + 3] + f * (table[b + 7] - table[b + 3]);
        gate0[k] += a0 * (inf0 - gate0[k]);
        gate1[k] += a1 * (inf1 - gate1[k]);
      } else {
        gate0[k] = this.exactGate(0, vk, gate0[k]);
        gate1[k] = this.exactGate(1, vk, gate1[k]);
      }
    }
  }

  private exactGate(g: number, v: number, x: number): number {
    const def = this.defs[g];
    const inf = def.inf(v);
    return inf + (x - inf) * Math.exp(-this.dt / def.tau(v));
  }

  private updateExact(v: Float64Array, g: number, state: Float64Array): void {
    const def = this.defs[g];
    for (let k = 0; k < this.count; k++) {
      const vk = v[this.nodes[k]];
      const inf = def.inf(vk);
      state[k] = inf + (state[k] - inf) * Math.exp(-this.dt / def.tau(vk));
    }
  }
}
