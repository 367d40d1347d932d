/**
 * All synapses of one type (spec §5), one per id, struct-of-arrays. Each id has a double-exponential
 * pair (A, B); AMPA+NMDA synapses have a second pair for the NMDA component with the Mg block.
 * Per substep: events jump the states (before the currents), the currents and slopes are added at the
 * present V, then the states decay exactly.
 *
 * Under Crank–Nicolson the states, like the gates, stand for the middle of the substep whose current
 * they enter (t + dt/2), so an event at the start of the substep (t) jumps them by f·e^(−dt/(2τ)):
 * jumping by f would count the event half a substep late, an O(dt) error that made CN first order in
 * dt under synaptic input. Backward Euler keeps the jump f (NEURON's fixed step).
 */
import type { SynapseParams } from '../mechanisms/catalogue.js';
import { mgBlock, normalisationFactor } from '../mechanisms/synapses.js';
import { scalarTable, type VoltageGrid } from './gate-table.js';
import type { RateEvaluation } from './channel-population.js';
import type { Mechanism } from './mechanism.js';
import type { CableKernels } from './wasm-kernels.js';
import { laneSlots, type Membrane } from './membrane.js';

const FLUSH = 1e-30;

export class SynapsePopulation implements Mechanism {
  readonly name: string;
  readonly count: number;
  /** trials stepped in lockstep; the state of synapse k in lane l is at k·lanes + l */
  readonly lanes: number;
  /** node-lane index of each state slot */
  private readonly slots: Int32Array;
  readonly hasNmda: boolean;
  /** rise/decay states of the first (AMPA or GABA_A) pair */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** NMDA pair (empty without NMDA) */
  readonly an: Float64Array;
  readonly bn: Float64Array;
  /** 1 where the synapse is silenced for the rest of the trial (quirk Q5) */
  readonly silenced: Uint8Array;
  private readonly gmax: number;
  private readonly e: number;
  private readonly mg: number;
  private readonly f: number;
  private readonly fn: number;
  private readonly decayA: number;
  private readonly decayB: number;
  private readonly decayAn: number;
  private readonly decayBn: number;
  /** the jump of each state per event: f (backward Euler) or f·e^(−dt/(2τ)) (Crank–Nicolson) */
  private readonly jumpA: number;
  private readonly jumpB: number;
  private readonly jumpAn: number;
  private readonly jumpBn: number;
  private readonly blockTable: Float64Array;
  private readonly vMin: number;
  private readonly vMax: number;
  private readonly invStep: number;
  private readonly kernels: CableKernels | null;

  constructor(
    readonly params: SynapseParams,
    /** node of synapse id k */
    readonly nodes: Int32Array,
    private readonly membrane: Membrane,
    rates: RateEvaluation,
    grid: VoltageGrid,
  ) {
    const dt = membrane.dt;
    this.name = `synapses:${params.kind}`;
    this.count = nodes.length;
    this.hasNmda = params.kind === 'ampa-nmda';
    this.gmax = params.gmax;
    this.e = params.e;
    this.f = normalisationFactor(params.tauRise, params.tauDecay);
    this.decayA = Math.exp(-dt / params.tauRise);
    this.decayB = Math.exp(-dt / params.tauDecay);
    const halfStep = membrane.method === 'crank-nicolson';
    const jump = (f: number, tau: number): number => (halfStep ? f * Math.exp(-dt / (2 * tau)) : f);
    this.jumpA = jump(this.f, params.tauRise);
    this.jumpB = jump(this.f, params.tauDecay);
    this.lanes = membrane.lanes;
    const store = membrane.store;
    this.slots = store.place(laneSlots(nodes, membrane.lanes));
    const size = this.count * this.lanes;
    this.a = store.f64(size);
    this.b = store.f64(size);
    this.silenced = new Uint8Array(size);
    if (this.hasNmda) {
      const tr = params.tauRiseNmda;
      const td = params.tauDecayNmda;
      if (tr === undefined || td === undefined || params.mg === undefined) {
        throw new RangeError('ampa-nmda synapse needs tauRiseNmda, tauDecayNmda and mg');
      }
      this.mg = params.mg;
      this.fn = normalisationFactor(tr, td);
      this.decayAn = Math.exp(-dt / tr);
      this.decayBn = Math.exp(-dt / td);
      this.jumpAn = jump(this.fn, tr);
      this.jumpBn = jump(this.fn, td);
      this.an = store.f64(size);
      this.bn = store.f64(size);
      const mg = params.mg;
      this.blockTable =
        rates === 'table'
          ? store.place(scalarTable(`mg${mg}`, (v) => mgBlock(v, mg), grid))
          : new Float64Array(0);
    } else {
      this.mg = 0;
      this.fn = 0;
      this.decayAn = 1;
      this.decayBn = 1;
      this.jumpAn = 0;
      this.jumpBn = 0;
      this.an = new Float64Array(0);
      this.bn = new Float64Array(0);
      this.blockTable = new Float64Array(0);
    }
    this.vMin = grid.vMin;
    this.vMax = grid.vMax;
    this.invStep = 1 / grid.step;
    // the NMDA kernel reads the Mg block from its table only
    this.kernels = this.hasNmda && rates !== 'table' ? null : membrane.kernels;
  }

  /** One event of weight 1 on synapse id k of a lane, at the start of the next substep (ignored while silenced). */
  deliver(k: number, lane = 0): void {
    const s = k * this.lanes + lane;
    if (this.silenced[s]) return;
    this.a[s] += this.jumpA;
    this.b[s] += this.jumpB;
    if (this.hasNmda) {
      this.an[s] += this.jumpAn;
      this.bn[s] += this.jumpBn;
    }
  }

  /**
   * Present conductance of synapse k, µS (AMPA and NMDA components together, without the Mg block);
   * under Crank–Nicolson, that of the middle of the next substep.
   */
  conductance(k: number, lane = 0): number {
    const s = k * this.lanes + lane;
    const g = this.b[s] - this.a[s];
    return this.gmax * (this.hasNmda ? g + this.bn[s] - this.an[s] : g);
  }

  private block(v: number): number {
    const t = this.blockTable;
    if (t.length > 0 && v >= this.vMin && v < this.vMax) {
      const pos = (v - this.vMin) * this.invStep;
      const j = pos | 0;
      return t[j] + (pos - j) * (t[j + 1] - t[j]);
    }
    return mgBlock(v, this.mg);
  }

  /** I[node] += g(V − E) (nA), G[node] += dI/dV (µS); NMDA adds g_n·(𝓑 + 𝓑'·(V − E)) to the slope. */
  addCurrents(): void {
    const { slots, a, b, gmax, e } = this;
    const { v, cur, slope } = this.membrane;
    const k = this.kernels;
    if (k) {
      this.addCurrentsWithKernels(k);
      return;
    }
    if (!this.hasNmda) {
      for (let s = 0; s < slots.length; s++) {
        const g = gmax * (b[s] - a[s]);
        if (g === 0) continue;
        const i = slots[s];
        cur[i] += g * (v[i] - e);
        slope[i] += g;
      }
      return;
    }
    const { an, bn } = this;
    for (let s = 0; s < slots.length; s++) {
      const ga = gmax * (b[s] - a[s]);
      const gn = gmax * (bn[s] - an[s]);
      if (ga === 0 && gn === 0) continue;
      const i = slots[s];
      const vi = v[i];
      const drive = vi - e;
      const blk = this.block(vi);
      cur[i] += (ga + gn * blk) * drive;
      slope[i] += ga + gn * (blk + 0.08 * blk * (1 - blk) * drive);
    }
  }

  /** addCurrents() in WebAssembly; a member whose voltage is off the Mg-block grid is done here, in order. */
  private addCurrentsWithKernels(k: CableKernels): void {
    const { slots, a, b, gmax, e } = this;
    const { v, cur, slope } = this.membrane;
    const count = slots.length;
    if (!this.hasNmda) {
      k.synapseCurrent(
        count,
        slots.byteOffset,
        a.byteOffset,
        b.byteOffset,
        gmax,
        e,
        v.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        this.lanes,
      );
      return;
    }
    const { an, bn, blockTable, vMin, vMax, invStep } = this;
    for (let s = 0; s < count; s++) {
      s = k.synapseNmdaCurrent(
        s,
        count,
        slots.byteOffset,
        a.byteOffset,
        b.byteOffset,
        an.byteOffset,
        bn.byteOffset,
        gmax,
        e,
        v.byteOffset,
        cur.byteOffset,
        slope.byteOffset,
        blockTable.byteOffset,
        vMin,
        vMax,
        invStep,
        this.lanes,
      );
      if (s === count) break;
      const i = slots[s];
      const vi = v[i];
      const drive = vi - e;
      const blk = mgBlock(vi, this.mg);
      const ga = gmax * (b[s] - a[s]);
      const gn = gmax * (bn[s] - an[s]);
      cur[i] += (ga + gn * blk) * drive;
      slope[i] += ga + gn * (blk + 0.08 * blk * (1 - blk) * drive);
    }
  }

  /** Exact exponential decay of every state over one substep. */
  advance(): void {
    const { a, b, decayA, decayB } = this;
    const k = this.kernels;
    if (k) {
      k.synapseDecay(a.length, a.byteOffset, b.byteOffset, decayA, decayB, FLUSH);
      if (this.hasNmda) {
        const { an, bn } = this;
        k.synapseDecay(an.length, an.byteOffset, bn.byteOffset, this.decayAn, this.decayBn, FLUSH);
      }
      return;
    }
    // States below FLUSH are set to 0: they carry no current worth a bit (g < 1e-30 µS) and would
    // otherwise sink into subnormal numbers, which slow the arithmetic by orders of magnitude.
    const size = a.length;
    for (let k = 0; k < size; k++) {
      const x = a[k] * decayA;
      const y = b[k] * decayB;
      a[k] = x < FLUSH ? 0 : x;
      b[k] = y < FLUSH ? 0 : y;
    }
    if (this.hasNmda) {
      const { an, bn, decayAn, decayBn } = this;
      for (let k = 0; k < size; k++) {
        const x = an[k] * decayAn;
        const y = bn[k] * decayBn;
        an[k] = x < FLUSH ? 0 : x;
        bn[k] = y < FLUSH ? 0 : y;
      }
    }
  }

  /** No conductance, no silenced synapse. */
  initialise(): void {
    this.a.fill(0);
    this.b.fill(0);
    this.an.fill(0);
    this.bn.fill(0);
    this.silenced.fill(0);
  }
}
