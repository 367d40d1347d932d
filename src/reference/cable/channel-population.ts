/**
 * One voltage-gated channel type over all the nodes that carry it, struct-of-arrays: node indices,
 * ḡ·A products, gate states (member k of lane l at k·lanes + l). Two jobs per substep (spec §6.2):
 *   - add its current I = ḡA·Π x^p·(V − E) [nA] and slope G = ḡA·Π x^p [µS] at the present V
 *     (Ca channels also add their current density to i_Ca and its slope, for the Ca shell);
 *   - advance the gates by exponential Euler at the new V: x ← x∞ + (x − x∞)·e^(−dt/τ).
 */
import type { ChannelDefinition, ChannelIon, GateDefinition } from '../mechanisms/rate-helpers.js';
import { channelTable, type VoltageGrid } from './gate-table.js';
import type { Mechanism } from './mechanism.js';
import type { ChannelBundle } from './channel-bundle.js';
import type { CableKernels } from './wasm-kernels.js';
import { laneSlots, repeatPerLane, type CaIon, type Membrane } from './membrane.js';

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
  /** trials stepped in lockstep */
  readonly lanes: number;
  /** node index of each member */
  readonly nodes: Int32Array;
  /** ḡ, S/cm², per member */
  readonly gbar: Float64Array;
  /** gate states per slot (member k of lane l: k·lanes + l); gate 1 is empty for one-gate channels */
  readonly gate0: Float64Array;
  readonly gate1: Float64Array;
  /** node-lane index of each slot (membrane.ts laneSlots) */
  readonly slots: Int32Array;
  /** identifies the kinetics of the rate table (gate-table.ts channelTable) */
  readonly tableKey: string;
  /** ḡ·A·1e-2 (µS) and ḡ (S/cm²) per slot */
  private readonly gA: Float64Array;
  private readonly gbarSlot: Float64Array;
  private readonly p0: number;
  private readonly p1: number;
  private readonly defs: readonly GateDefinition[];
  private readonly table: Float64Array;
  private readonly vMin: number;
  private readonly vMax: number;
  private readonly invStep: number;
  private readonly exact: boolean;
  private readonly dt: number;
  /** reversal per node and lane, mV (for Ca channels: the live E_Ca of the Ca ion) */
  private readonly e: Float64Array;
  private readonly iCa: Float64Array;
  private readonly gCa: Float64Array;
  private readonly kernels: CableKernels | null;
  /** the bundle whose pass advances this channel's gates (kernels only), and whether this channel runs it */
  private bundle: ChannelBundle | null = null;
  private leadsBundle = false;
  /** the next channel, whose current this one's addCurrents() adds in the same pass (kernels only) */
  private pairedWith: ChannelPopulation | null = null;
  private addedByPartner = false;

  /** Whether the kernels can run a channel of this definition with tabulated rates. */
  static kernelsFit(def: ChannelDefinition): boolean {
    const whole = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 4;
    return def.exponents.slice(0, def.gates.length).every(whole);
  }

  constructor(
    def: ChannelDefinition,
    tableKey: string,
    nodes: Int32Array,
    gbar: Float64Array,
    area: Float64Array,
    /** reversal per node and lane, mV (ignored for Ca channels, which take E_Ca of `ca`) */
    e: Float64Array,
    private readonly membrane: Membrane,
    /** the Ca ion (required for Ca channels) */
    ca: CaIon | null,
    rates: RateEvaluation,
    grid: VoltageGrid,
    /** advanced by a ChannelBundle: its own table is not placed in the kernel memory */
    bundled = false,
  ) {
    if (def.gates.length < 1 || def.gates.length > 2) {
      throw new RangeError(`channel ${def.name}: 1 or 2 gates supported, got ${def.gates.length}`);
    }
    const dt = membrane.dt;
    const L = membrane.lanes;
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
    this.lanes = L;
    this.nodes = nodes;
    this.gbar = gbar;
    const gA = new Float64Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) gA[k] = gbar[k] * area[nodes[k]] * 1e-2;
    const store = membrane.store;
    this.slots = store.place(laneSlots(nodes, L));
    this.gA = store.place(repeatPerLane(gA, L));
    this.gbarSlot = store.place(repeatPerLane(gbar, L));
    this.gate0 = store.f64(nodes.length * L);
    this.gate1 = store.f64(this.nGates > 1 ? nodes.length * L : 0);
    this.p0 = def.exponents[0];
    this.p1 = this.nGates > 1 ? def.exponents[1] : 0;
    this.defs = def.gates;
    this.dt = dt;
    this.exact = rates === 'exact';
    this.vMin = grid.vMin;
    this.vMax = grid.vMax;
    this.invStep = 1 / grid.step;
    this.tableKey = tableKey;
    // the kernels know the exponents 1..4 of power() and the tabulated rates
    this.kernels =
      membrane.kernels && !this.exact && ChannelPopulation.kernelsFit(def) ? membrane.kernels : null;
    if (bundled && !this.kernels)
      throw new RangeError(`channel ${def.name}: only kernel channels are bundled`);
    this.table =
      this.exact || bundled ? new Float64Array(0) : store.place(channelTable(tableKey, def.gates, dt, grid));
  }

  /** Every gate at its steady state for the node voltages. */
  initialise(): void {
    const { slots, gate0, gate1, defs } = this;
    const v = this.membrane.v;
    for (let s = 0; s < slots.length; s++) {
      const vs = v[slots[s]];
      gate0[s] = defs[0].inf(vs);
      if (this.nGates > 1) gate1[s] = defs[1].inf(vs);
    }
  }

  /** Open fraction Π x^p of member k in a lane. */
  openFraction(k: number, lane = 0): number {
    const s = k * this.lanes + lane;
    const o = power(this.gate0[s], this.p0);
    return this.nGates > 1 ? o * power(this.gate1[s], this.p1) : o;
  }

  /**
   * I[node] += ḡA·o·(V − E), G[node] += ḡA·o; Ca channels also iCa[node] += ḡ·o·(V − E_Ca) (mA/cm²)
   * and gCa[node] += ḡ·o (S/cm²).
   */
  addCurrents(): void {
    const { slots, gA, gate0, gate1, e, p0, p1 } = this;
    const { v, cur, slope } = this.membrane;
    const k = this.kernels;
    if (this.addedByPartner) return;
    if (this.pairedWith) {
      this.addPairCurrents(this.pairedWith);
    } else if (this.isCa) {
      this.addCaCurrents();
    } else if (k && this.nGates > 1) {
      k.channel2Current(
        slots.length,
        slots.byteOffset,
        gA.byteOffset,
        gate0.byteOffset,
        gate1.byteOffset,
        p0,
        p1,
        v.byteOffset,
        e.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        this.lanes,
      );
    } else if (k) {
      k.channel1Current(
        slots.length,
        slots.byteOffset,
        gA.byteOffset,
        gate0.byteOffset,
        p0,
        v.byteOffset,
        e.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        this.lanes,
      );
    } else if (this.nGates > 1) {
      for (let s = 0; s < slots.length; s++) {
        const i = slots[s];
        const g = gA[s] * (power(gate0[s], p0) * power(gate1[s], p1));
        cur[i] += g * (v[i] - e[i]);
        slope[i] += g;
      }
    } else {
      for (let s = 0; s < slots.length; s++) {
        const i = slots[s];
        const g = gA[s] * power(gate0[s], p0);
        cur[i] += g * (v[i] - e[i]);
        slope[i] += g;
      }
    }
  }

  /**
   * Adds `next`'s current in this channel's pass from now on: both sit on the same nodes, are both Ca
   * channels or both not, and `next` comes right after this one in the substep order, so adding
   * both shares per member in turn takes every sum in the same order (channel-bundle.ts).
   */
  pairCurrentsWith(next: ChannelPopulation): void {
    const sameSlots =
      next.slots.length === this.slots.length && next.slots.every((i, s) => i === this.slots[s]);
    if (!this.kernels || !next.kernels || next.isCa !== this.isCa || !sameSlots) {
      throw new RangeError(`channels ${this.name} and ${next.name} cannot share a current pass`);
    }
    this.pairedWith = next;
    next.addedByPartner = true;
  }

  private addPairCurrents(next: ChannelPopulation): void {
    const k = this.kernels!;
    const { v, cur, slope } = this.membrane;
    const gate1 = (c: ChannelPopulation): number => (c.nGates > 1 ? c.gate1.byteOffset : 0);
    if (this.isCa) {
      k.channelCaPairCurrent(
        this.slots.length,
        this.slots.byteOffset,
        v.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        this.iCa.byteOffset,
        this.gCa.byteOffset,
        this.e.byteOffset,
        this.gA.byteOffset,
        this.gbarSlot.byteOffset,
        this.gate0.byteOffset,
        gate1(this),
        this.p0,
        this.p1,
        next.gA.byteOffset,
        next.gbarSlot.byteOffset,
        next.gate0.byteOffset,
        gate1(next),
        next.p0,
        next.p1,
        this.lanes,
      );
      return;
    }
    k.channelPairCurrent(
      this.slots.length,
      this.slots.byteOffset,
      v.byteOffset,
      cur.byteOffset,
      slope.byteOffset,
      this.gA.byteOffset,
      this.gate0.byteOffset,
      gate1(this),
      this.p0,
      this.p1,
      this.e.byteOffset,
      next.gA.byteOffset,
      next.gate0.byteOffset,
      gate1(next),
      next.p0,
      next.p1,
      next.e.byteOffset,
      this.lanes,
    );
  }

  private addCaCurrents(): void {
    const { slots, gA, gbarSlot, gate0, gate1, e, p0, p1, iCa, gCa } = this;
    const { v, cur, slope } = this.membrane;
    const two = this.nGates > 1;
    if (this.kernels) {
      this.kernels.channelCaCurrent(
        slots.length,
        slots.byteOffset,
        gA.byteOffset,
        gbarSlot.byteOffset,
        gate0.byteOffset,
        gate1.byteOffset,
        two ? 1 : 0,
        p0,
        p1,
        v.byteOffset,
        e.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        iCa.byteOffset,
        gCa.byteOffset,
        this.lanes,
      );
      return;
    }
    for (let s = 0; s < slots.length; s++) {
      const i = slots[s];
      const o = two ? power(gate0[s], p0) * power(gate1[s], p1) : power(gate0[s], p0);
      const drive = v[i] - e[i];
      const g = gA[s] * o;
      cur[i] += g * drive;
      slope[i] += g;
      const gd = gbarSlot[s] * o;
      iCa[i] += gd * drive;
      gCa[i] += gd;
    }
  }

  /** The channels whose gates advance in one pass with this one (itself included), or [] alone. */
  get bundledWith(): string[] {
    return this.bundle ? this.bundle.channels.map((c) => c.name) : [];
  }

  /** Joins a bundle (channel-bundle.ts); the leader's advance() runs the bundle's pass. */
  joinBundle(bundle: ChannelBundle, leads: boolean): void {
    this.bundle = bundle;
    this.leadsBundle = leads;
  }

  /** Exponential-Euler update of every gate at the new voltages. */
  advance(): void {
    const v = this.membrane.v;
    if (this.bundle) {
      if (this.leadsBundle) this.bundle.advance();
    } else if (this.exact) {
      this.updateExact(v, 0, this.gate0);
      if (this.nGates > 1) this.updateExact(v, 1, this.gate1);
    } else if (this.kernels) {
      this.updateWithKernels(this.kernels, v);
    } else if (this.nGates > 1) {
      this.updateTabulated2(v);
    } else {
      this.updateTabulated1(v);
    }
  }

  // The tables hold, per grid point, [x∞, a] for each gate with a = 1 − e^(−dt/τ), so that
  // x ← x + a·(x∞ − x); both gates of a channel share one row (one cache line per lookup).
  private updateTabulated1(v: Float64Array): void {
    const { slots, vMin, vMax, invStep, table, gate0 } = this;
    for (let s = 0; s < slots.length; s++) {
      const vs = v[slots[s]];
      if (vs >= vMin && vs < vMax) {
        const pos = (vs - vMin) * invStep;
        const j = pos | 0;
        const f = pos - j;
        const b = 2 * j;
        const inf = table[b] + f * (table[b + 2] - table[b]);
        const a = table[b + 1] + f * (table[b + 3] - table[b + 1]);
        gate0[s] += a * (inf - gate0[s]);
      } else {
        gate0[s] = this.exactGate(0, vs, gate0[s]);
      }
    }
  }

  private updateTabulated2(v: Float64Array): void {
    const { slots, vMin, vMax, invStep, table, gate0, gate1 } = this;
    for (let s = 0; s < slots.length; s++) {
      const vs = v[slots[s]];
      if (vs >= vMin && vs < vMax) {
        const pos = (vs - vMin) * invStep;
        const j = pos | 0;
        const f = pos - j;
        const b = 4 * j;
        const inf0 = table[b] + f * (table[b + 4] - table[b]);
        const a0 = table[b + 1] + f * (table[b + 5] - table[b + 1]);
        const inf1 = table[b + 2] + f * (table[b + 6] - table[b + 2]);
        const a1 = table[b + 3] + f * (table[b + 7] - table[b + 3]);
        gate0[s] += a0 * (inf0 - gate0[s]);
        gate1[s] += a1 * (inf1 - gate1[s]);
      } else {
        gate0[s] = this.exactGate(0, vs, gate0[s]);
        gate1[s] = this.exactGate(1, vs, gate1[s]);
      }
    }
  }

  /** updateTabulated1/2 in WebAssembly; members off the grid are left to exactGate(), in order. */
  private updateWithKernels(k: CableKernels, v: Float64Array): void {
    const { slots, vMin, vMax, invStep, table, gate0, gate1 } = this;
    const count = slots.length;
    const two = this.nGates > 1;
    for (let s = 0; s < count; s++) {
      s = two
        ? k.channel2Advance(
            s,
            count,
            slots.byteOffset,
            v.byteOffset,
            table.byteOffset,
            vMin,
            vMax,
            invStep,
            gate0.byteOffset,
            gate1.byteOffset,
            this.lanes,
          )
        : k.channel1Advance(
            s,
            count,
            slots.byteOffset,
            v.byteOffset,
            table.byteOffset,
            vMin,
            vMax,
            invStep,
            gate0.byteOffset,
            this.lanes,
          );
      if (s === count) break;
      const vs = v[slots[s]];
      gate0[s] = this.exactGate(0, vs, gate0[s]);
      if (two) gate1[s] = this.exactGate(1, vs, gate1[s]);
    }
  }

  /** Slot s's gates by the exact rate functions (a member off the table grid). */
  advanceMemberExactly(s: number): void {
    const vs = this.membrane.v[this.slots[s]];
    this.gate0[s] = this.exactGate(0, vs, this.gate0[s]);
    if (this.nGates > 1) this.gate1[s] = this.exactGate(1, vs, this.gate1[s]);
  }

  private exactGate(g: number, v: number, x: number): number {
    const def = this.defs[g];
    const inf = def.inf(v);
    return inf + (x - inf) * Math.exp(-this.dt / def.tau(v));
  }

  private updateExact(v: Float64Array, g: number, state: Float64Array): void {
    const def = this.defs[g];
    const slots = this.slots;
    for (let s = 0; s < slots.length; s++) {
      const vs = v[slots[s]];
      const inf = def.inf(vs);
      state[s] = inf + (state[s] - inf) * Math.exp(-this.dt / def.tau(vs));
    }
  }
}
