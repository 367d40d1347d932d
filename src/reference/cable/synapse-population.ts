/**
 * All synapses of one type (spec §5), one per id, struct-of-arrays. Each id has a double-exponential
 * pair (A, B); AMPA+NMDA synapses have a second pair for the NMDA component with the Mg block.
 * Per substep: events jump the states (before the currents), the currents and slopes are added at the
 * present V, then the states decay exactly.
 */
import type { SynapseParams } from '../mechanisms/synapses.js';
import { mgBlock, normalisationFactor } from '../mechanisms/synapses.js';
import { scalarTable, type VoltageGrid } from './gate-table.js';
import type { RateEvaluation } from './channel-population.js';

const FLUSH = 1e-30;

export class SynapsePopulation {
  readonly count: number;
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
  private readonly blockTable: Float64Array;
  private readonly vMin: number;
  private readonly vMax: number;
  private readonly invStep: number;

  constructor(
    readonly params: SynapseParams,
    /** node of synapse id k */
    readonly nodes: Int32Array,
    dt: number,
    rates: RateEvaluation,
    grid: VoltageGrid,
  ) {
    this.count = nodes.length;
    this.hasNmda = params.kind === 'ampa-nmda';
    this.gmax = params.gmax;
    this.e = params.e;
    this.f = normalisationFactor(params.tauRise, params.tauDecay);
    this.decayA = Math.exp(-dt / params.tauRise);
    this.decayB = Math.exp(-dt / params.tauDecay);
    this.a = new Float64Array(this.count);
    this.b = new Float64Array(this.count);
    this.silenced = new Uint8Array(this.count);
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
      this.an = new Float64Array(this.count);
      this.bn = new Float64Array(this.count);
      const mg = params.mg;
      this.blockTable =
        rates === 'table' ? scalarTable(`mg${mg}`, (v) => mgBlock(v, mg), grid) : new Float64Array(0);
    } else {
      this.mg = 0;
      this.fn = 0;
      this.decayAn = 1;
      this.decayBn = 1;
      this.an = new Float64Array(0);
      this.bn = new Float64Array(0);
      this.blockTable = new Float64Array(0);
    }
    this.vMin = grid.vMin;
    this.vMax = grid.vMax;
    this.invStep = 1 / grid.step;
  }

  /** One presynaptic event of weight 1 on synapse id k (ignored while silenced). */
  deliver(k: number): void {
    if (this.silenced[k]) return;
    this.a[k] += this.f;
    this.b[k] += this.f;
    if (this.hasNmda) {
      this.an[k] += this.fn;
      this.bn[k] += this.fn;
    }
  }

  /** Present conductance of synapse k, µS (AMPA and NMDA components together, without the Mg block). */
  conductance(k: number): number {
    const g = this.b[k] - this.a[k];
    return this.gmax * (this.hasNmda ? g + this.bn[k] - this.an[k] : g);
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
  addCurrents(v: Float64Array, cur: Float64Array, slope: Float64Array): void {
    const { nodes, a, b, gmax, e } = this;
    if (!this.hasNmda) {
      for (let k = 0; k < this.count; k++) {
        const g = gmax * (b[k] - a[k]);
        if (g === 0) continue;
        const i = nodes[k];
        cur[i] += g * (v[i] - e);
        slope[i] += g;
      }
      return;
    }
    const { an, bn } = this;
    for (let k = 0; k < this.count; k++) {
      const ga = gmax * (b[k] - a[k]);
      const gn = gmax * (bn[k] - an[k]);
      if (ga === 0 && gn === 0) continue;
      const i = nodes[k];
      const vi = v[i];
      const drive = vi - e;
      const blk = this.block(vi);
      cur[i] += (ga + gn * blk) * drive;
      slope[i] += ga + gn * (blk + 0.08 * blk * (1 - blk) * drive);
    }
  }

  /** Exact exponential decay of every state over one substep. */
  decay(): void {
    const { a, b, decayA, decayB } = this;
    // States below FLUSH are set to 0: they carry no current worth a bit (g < 1e-30 µS) and would
    // otherwise sink into subnormal numbers, which slow the arithmetic by orders of magnitude.
    for (let k = 0; k < this.count; k++) {
      const x = a[k] * decayA;
      const y = b[k] * decayB;
      a[k] = x < FLUSH ? 0 : x;
      b[k] = y < FLUSH ? 0 : y;
    }
    if (this.hasNmda) {
      const { an, bn, decayAn, decayBn } = this;
      for (let k = 0; k < this.count; k++) {
        const x = an[k] * decayAn;
        const y = bn[k] * decayBn;
        an[k] = x < FLUSH ? 0 : x;
        bn[k] = y < FLUSH ? 0 : y;
      }
    }
  }

  reset(): void {
    this.a.fill(0);
    this.b.fill(0);
    this.an.fill(0);
    this.bn.fill(0);
    this.silenced.fill(0);
  }
}
