/**
 * The fixed-step integrator of a compartmental cell (spec §6.2, optional Crank–Nicolson §6.5).
 *
 * One substep t → t + dt:
 *   1. input events (the caller delivers them before calling step());
 *   2. E_Ca from [Ca]i in every shell node (Nernst);
 *   3. membrane + synaptic current I_i (nA) and slope G_i (µS) at the present V, gates held;
 *   4. (C_i/dt + G_i + Σ_j 1/R_ij)·ΔV_i − Σ_j ΔV_j/R_ij = −I_i + Σ_j (V_j − V_i)/R_ij + I_inj,i
 *      (Crank–Nicolson: 2C_i/dt, and ΔV is the half-step change δ);
 *   5. Hines elimination over the tree (parent index < child index), V += ΔV (CN: V += 2δ);
 *   6. Ca shell (exact, with i_Ca of step 3; CN moves i_Ca to the half step first), voltage gates at
 *      the new V, SK with the updated [Ca]i, synaptic decay.
 * Units: nF/ms = µS, 1/MΩ = µS, currents nA. Everything is preallocated; step() allocates nothing.
 */
import { channelDefinition, VOLTAGE_GATED_NAMES } from '../mechanisms/catalogue.js';
import { caInfluxFactor, nernstCaFactor, CA_OUT_MM } from '../mechanisms/ca-shell.js';
import { skZInf, SK_TAU_MS } from '../mechanisms/sk.js';
import type { CellModel } from './cell-model.js';
import { ChannelPopulation, type RateEvaluation } from './channel-population.js';
import { DEFAULT_GRID, scalarTable, type VoltageGrid } from './gate-table.js';
import { SynapsePopulation } from './synapse-population.js';

/**
 * [Ca]i grid of the SK table, mM: z∞ = 1/(1 + (0.00043/c)^4.8) is smooth on this scale (relative
 * interpolation error < 1e-5 above 2e-5 mM); concentrations beyond it are evaluated exactly.
 */
const SK_GRID: VoltageGrid = { vMin: 0, vMax: 5e-3, step: 5e-8 };
const SK_TABLE_INV_STEP = 1 / SK_GRID.step;

export type IntegrationMethod = 'backward-euler' | 'crank-nicolson';

export interface EngineOptions {
  /** substep, ms (default 0.025) */
  dt?: number;
  /** default 'backward-euler' */
  method?: IntegrationMethod;
  /** tabulated (default) or exact rate functions */
  rates?: RateEvaluation;
  /** voltage grid of the rate tables */
  grid?: VoltageGrid;
  /** quirk Q5: an event at t = 0 silences its synapse for the whole trial (default false) */
  silenceAtTimeZero?: boolean;
}

/** Structured-clone-able dynamical state of an engine. */
export interface EngineState {
  stepIndex: number;
  v: Float64Array;
  gates: Float64Array[];
  skZ: Float64Array;
  cai: Float64Array;
  synapses: Float64Array[];
  silenced: Uint8Array[];
}

export class CompartmentEngine {
  readonly model: CellModel;
  readonly n: number;
  readonly dt: number;
  readonly method: IntegrationMethod;
  readonly silenceAtTimeZero: boolean;
  /** membrane potential per node, mV */
  readonly v: Float64Array;
  /** electrode current per node, nA, positive depolarising; set by the caller, held over a substep */
  readonly injection: Float64Array;
  /** [Ca]i per node, mM (meaningful in shell nodes) */
  readonly cai: Float64Array;
  /** E_Ca per node, mV (meaningful in shell nodes) */
  readonly eca: Float64Array;
  /** Ca current density per node of the last substep, mA/cm² */
  readonly iCa: Float64Array;
  readonly channels: ChannelPopulation[];
  readonly exc: SynapsePopulation;
  readonly inh: SynapsePopulation;
  /** SK members */
  readonly skNodes: Int32Array;
  readonly skZ: Float64Array;
  private readonly skGA: Float64Array;
  /** Ca shell members and their per-step constants */
  readonly shellNodes: Int32Array;
  private readonly shellDecay: Float64Array;
  private readonly shellInfluxTau: Float64Array;
  private readonly shellMin: number;
  private readonly nernst: number;

  private readonly parent: Int32Array;
  /** 1/R to the parent, µS */
  private readonly gAxial: Float64Array;
  /** Σ_j 1/R_ij, µS */
  private readonly gAxialSum: Float64Array;
  /** C/dt (CN: 2C/dt), µS */
  private readonly cdt: Float64Array;
  private readonly gLeak: Float64Array;
  private readonly eLeak: Float64Array;
  private readonly cur: Float64Array;
  private readonly slope: Float64Array;
  private readonly gCa: Float64Array;
  private readonly diag: Float64Array;
  private readonly rhs: Float64Array;
  private readonly skDecay: number;
  /** z∞ of SK on a [Ca]i grid (empty with exact rates) */
  private readonly skTable: Float64Array;
  /** voltage-clamped nodes (validation protocols): level (mV) and series conductance (µS) */
  private clampNodes: Int32Array = new Int32Array(0);
  private readonly clampLevel: Float64Array;
  private clampG = 0;
  private _stepIndex = 0;

  constructor(model: CellModel, options: EngineOptions = {}) {
    const dt = options.dt ?? 0.025;
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be a positive number, got ${dt}`);
    this.model = model;
    this.dt = dt;
    this.method = options.method ?? 'backward-euler';
    if (this.method !== 'backward-euler' && this.method !== 'crank-nicolson') {
      throw new RangeError(`unknown integration method '${String(this.method)}'`);
    }
    this.silenceAtTimeZero = options.silenceAtTimeZero ?? false;
    const rates = options.rates ?? 'table';
    const grid = options.grid ?? DEFAULT_GRID;
    const tree = model.tree;
    const n = tree.nNodes;
    this.n = n;
    checkTree(model);

    this.v = new Float64Array(n);
    this.injection = new Float64Array(n);
    this.cai = new Float64Array(n);
    this.eca = new Float64Array(n);
    this.iCa = new Float64Array(n);
    this.cur = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.gCa = new Float64Array(n);
    this.diag = new Float64Array(n);
    this.rhs = new Float64Array(n);
    this.clampLevel = new Float64Array(n);

    this.parent = tree.parent;
    this.gAxial = new Float64Array(n);
    this.gAxialSum = new Float64Array(n);
    for (let i = 1; i < n; i++) {
      const g = 1 / tree.rParent[i];
      this.gAxial[i] = g;
      this.gAxialSum[i] += g;
      this.gAxialSum[tree.parent[i]] += g;
    }
    const capFactor = this.method === 'crank-nicolson' ? 2 : 1;
    this.cdt = new Float64Array(n);
    this.gLeak = new Float64Array(n);
    this.eLeak = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = tree.area[i];
      this.cdt[i] = (capFactor * 1e-5 * a * model.cm[i]) / dt;
      this.gLeak[i] = 1e-2 * a * model.gPas[i];
      this.eLeak[i] = model.ePas[i];
    }

    this.channels = [];
    for (const name of VOLTAGE_GATED_NAMES) {
      const density = model.mechanisms[name];
      if (!density) continue;
      const { nodes, values } = members(density, tree.area);
      if (nodes.length === 0) continue;
      const def = channelDefinition(name, model.ihVShift);
      const e =
        def.ion === 'ca' ? this.eca : def.ion === 'na' ? model.ena : def.ion === 'k' ? model.ek : model.eh;
      const key = name === 'Ih' ? `Ih@${model.ihVShift}` : name;
      this.channels.push(new ChannelPopulation(def, key, nodes, values, tree.area, e, dt, rates, grid));
    }

    const sk = members(model.mechanisms.SK ?? new Float64Array(n), tree.area);
    this.skNodes = sk.nodes;
    this.skGA = new Float64Array(sk.nodes.length);
    for (let k = 0; k < sk.nodes.length; k++) this.skGA[k] = sk.values[k] * tree.area[sk.nodes[k]] * 1e-2;
    this.skZ = new Float64Array(sk.nodes.length);
    this.skDecay = Math.exp(-dt / SK_TAU_MS);
    this.skTable = rates === 'table' ? scalarTable('SK.zInf', skZInf, SK_GRID) : new Float64Array(0);

    const shell = model.caShell;
    const shellList: number[] = [];
    for (let i = 0; i < n; i++) if (shell.decay[i] > 0 && tree.area[i] > 0) shellList.push(i);
    this.shellNodes = Int32Array.from(shellList);
    this.shellDecay = new Float64Array(shellList.length);
    this.shellInfluxTau = new Float64Array(shellList.length);
    for (let k = 0; k < shellList.length; k++) {
      const i = shellList[k];
      this.shellDecay[k] = Math.exp(-dt / shell.decay[i]);
      this.shellInfluxTau[k] = shell.decay[i] * caInfluxFactor(shell.gamma[i], shell.depth);
    }
    this.shellMin = shell.minCai;
    this.nernst = nernstCaFactor(model.celsius);
    for (const ch of this.channels) {
      if (!ch.isCa) continue;
      for (const i of ch.nodes) {
        if (!(shell.decay[i] > 0)) {
          throw new RangeError(`node ${i} has Ca channel ${ch.name} but no Ca shell (decay must be > 0)`);
        }
      }
    }

    this.exc = new SynapsePopulation(model.synapses.exc, model.synapses.excNodes, dt, rates, grid);
    this.inh = new SynapsePopulation(model.synapses.inh, model.synapses.inhNodes, dt, rates, grid);
    this.reset();
  }

  /** Substeps since reset; the time is stepIndex·dt ms. */
  get stepIndex(): number {
    return this._stepIndex;
  }

  get time(): number {
    return this._stepIndex * this.dt;
  }

  /** Back to the initial state (spec §6.4): V = vInit, gates at x∞(vInit), [Ca]i = initCai. */
  reset(): void {
    this._stepIndex = 0;
    this.v.fill(this.model.vInit);
    this.injection.fill(0);
    this.cai.fill(this.model.caShell.initCai);
    this.iCa.fill(0);
    for (const ch of this.channels) ch.initialise(this.v);
    for (let k = 0; k < this.skNodes.length; k++) this.skZ[k] = skZInf(this.cai[this.skNodes[k]]);
    this.updateEca();
    this.exc.reset();
    this.inh.reset();
  }

  /** Excitatory event on synapse id k now (at the start of the next substep). */
  deliverExc(k: number): void {
    if (this.silenceAtTimeZero && this._stepIndex === 0) this.exc.silenced[k] = 1;
    this.exc.deliver(k);
  }

  deliverInh(k: number): void {
    if (this.silenceAtTimeZero && this._stepIndex === 0) this.inh.silenced[k] = 1;
    this.inh.deliver(k);
  }

  /**
   * Clamp the given nodes to levels (mV) through a series conductance gSeries (µS), as a very stiff
   * current source I = gSeries·(V − level). Pass an empty list to release.
   */
  setClamp(nodes: ArrayLike<number>, gSeries = 1e3): void {
    this.clampNodes = Int32Array.from(nodes);
    this.clampG = gSeries;
  }

  setClampLevel(node: number, level: number): void {
    this.clampLevel[node] = level;
  }

  private updateEca(): void {
    const { shellNodes, cai, eca, nernst } = this;
    for (let k = 0; k < shellNodes.length; k++) {
      const i = shellNodes[k];
      eca[i] = nernst * Math.log(CA_OUT_MM / cai[i]);
    }
  }

  /** Advance one substep. */
  step(): void {
    const { n, v, cur, slope, iCa, gCa, diag, rhs, parent, gAxial } = this;
    // 2. reversal potentials
    this.updateEca();
    // 3. currents and slopes at the present V: leak, channels, SK, synapses, clamps
    const { gLeak, eLeak } = this;
    for (let i = 0; i < n; i++) {
      const g = gLeak[i];
      cur[i] = g * (v[i] - eLeak[i]);
      slope[i] = g;
    }
    const shellNodes = this.shellNodes;
    for (let k = 0; k < shellNodes.length; k++) {
      const i = shellNodes[k];
      iCa[i] = 0;
      gCa[i] = 0;
    }
    const channels = this.channels;
    for (let c = 0; c < channels.length; c++) channels[c].addCurrents(v, cur, slope, iCa, gCa);
    const { skNodes, skGA, skZ } = this;
    const ek = this.model.ek;
    for (let k = 0; k < skNodes.length; k++) {
      const i = skNodes[k];
      const g = skGA[k] * skZ[k];
      cur[i] += g * (v[i] - ek[i]);
      slope[i] += g;
    }
    this.exc.addCurrents(v, cur, slope);
    this.inh.addCurrents(v, cur, slope);
    const clampNodes = this.clampNodes;
    for (let k = 0; k < clampNodes.length; k++) {
      const i = clampNodes[k];
      cur[i] += this.clampG * (v[i] - this.clampLevel[i]);
      slope[i] += this.clampG;
    }
    // 4. assemble the tree system for ΔV
    const { cdt, gAxialSum, injection } = this;
    for (let i = 0; i < n; i++) {
      diag[i] = cdt[i] + slope[i] + gAxialSum[i];
      rhs[i] = injection[i] - cur[i];
    }
    for (let i = n - 1; i > 0; i--) {
      const p = parent[i];
      const flux = gAxial[i] * (v[p] - v[i]);
      rhs[i] += flux;
      rhs[p] -= flux;
    }
    // 5. Hines: eliminate children into parents (off-diagonal a_i = −1/R_i), then back-substitute
    for (let i = n - 1; i > 0; i--) {
      const p = parent[i];
      const a = gAxial[i];
      const q = a / diag[i];
      diag[p] -= a * q;
      rhs[p] += q * rhs[i];
    }
    rhs[0] /= diag[0];
    for (let i = 1; i < n; i++) rhs[i] = (rhs[i] + gAxial[i] * rhs[parent[i]]) / diag[i];
    const cn = this.method === 'crank-nicolson';
    if (cn) {
      for (let i = 0; i < n; i++) v[i] += 2 * rhs[i];
      for (let k = 0; k < shellNodes.length; k++) {
        const i = shellNodes[k];
        iCa[i] += gCa[i] * rhs[i];
      }
    } else {
      for (let i = 0; i < n; i++) v[i] += rhs[i];
    }
    // 6. states: Ca shell (exact), gates at the new V, SK with the new [Ca]i, synaptic decay
    const { cai, shellDecay, shellInfluxTau, shellMin } = this;
    for (let k = 0; k < shellNodes.length; k++) {
      const i = shellNodes[k];
      const cInf = shellMin - shellInfluxTau[k] * iCa[i];
      cai[i] = cInf + (cai[i] - cInf) * shellDecay[k];
    }
    for (let c = 0; c < channels.length; c++) channels[c].updateGates(v);
    const { skDecay, skTable } = this;
    const skLimit = skTable.length - 1;
    for (let k = 0; k < skNodes.length; k++) {
      const c = cai[skNodes[k]];
      const pos = c * SK_TABLE_INV_STEP;
      let zInf: number;
      if (pos >= 0 && pos < skLimit) {
        const j = pos | 0;
        zInf = skTable[j] + (pos - j) * (skTable[j + 1] - skTable[j]);
      } else {
        zInf = skZInf(c);
      }
      skZ[k] = zInf + (skZ[k] - zInf) * skDecay;
    }
    this.exc.decay();
    this.inh.decay();
    this._stepIndex++;
  }

  /** A deep copy of the dynamical state. */
  snapshot(): EngineState {
    const gates: Float64Array[] = [];
    for (const ch of this.channels) {
      gates.push(ch.gate0.slice());
      gates.push(ch.gate1.slice());
    }
    const syn = (p: SynapsePopulation): Float64Array[] => [
      p.a.slice(),
      p.b.slice(),
      p.an.slice(),
      p.bn.slice(),
    ];
    return {
      stepIndex: this._stepIndex,
      v: this.v.slice(),
      gates,
      skZ: this.skZ.slice(),
      cai: this.cai.slice(),
      synapses: [...syn(this.exc), ...syn(this.inh)],
      silenced: [this.exc.silenced.slice(), this.inh.silenced.slice()],
    };
  }

  restore(state: EngineState): void {
    const copy = <T extends Float64Array | Uint8Array>(dst: T, src: T | undefined, what: string): void => {
      if (!src || src.length !== dst.length) {
        throw new RangeError(
          `snapshot does not fit this cell: ${what} has length ${src?.length}, expected ${dst.length}`,
        );
      }
      dst.set(src);
    };
    if (!Number.isInteger(state.stepIndex) || state.stepIndex < 0) {
      throw new RangeError(`snapshot has an invalid stepIndex ${state.stepIndex}`);
    }
    copy(this.v, state.v, 'v');
    if (state.gates.length !== 2 * this.channels.length)
      throw new RangeError('snapshot does not fit this cell: gates');
    this.channels.forEach((ch, c) => {
      copy(ch.gate0, state.gates[2 * c], `${ch.name} gate 0`);
      copy(ch.gate1, state.gates[2 * c + 1], `${ch.name} gate 1`);
    });
    copy(this.skZ, state.skZ, 'SK z');
    copy(this.cai, state.cai, 'cai');
    const pops = [this.exc, this.inh];
    pops.forEach((p, j) => {
      copy(p.a, state.synapses[4 * j], 'synapse A');
      copy(p.b, state.synapses[4 * j + 1], 'synapse B');
      copy(p.an, state.synapses[4 * j + 2], 'synapse A (NMDA)');
      copy(p.bn, state.synapses[4 * j + 3], 'synapse B (NMDA)');
      copy(p.silenced, state.silenced[j], 'silenced');
    });
    this._stepIndex = state.stepIndex;
    this.updateEca();
  }

  /** E_Ca (mV) from the present [Ca]i of a node (Nernst). */
  nernstEca(node: number): number {
    return this.nernst * Math.log(CA_OUT_MM / this.cai[node]);
  }

  /** Ca channel slope of the last substep (mA/cm²/mV) — exposed for tests of the CN variant. */
  caSlope(node: number): number {
    return this.gCa[node];
  }
}

/** Nodes whose density is > 0 (membrane nodes only) and their densities. */
function members(density: Float64Array, area: Float64Array): { nodes: Int32Array; values: Float64Array } {
  const nodes: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < density.length; i++) {
    if (density[i] > 0 && area[i] > 0) {
      nodes.push(i);
      values.push(density[i]);
    }
  }
  return { nodes: Int32Array.from(nodes), values: Float64Array.from(values) };
}

function checkTree(model: CellModel): void {
  const t = model.tree;
  const n = t.nNodes;
  if (!(n >= 1)) throw new RangeError('compartment tree has no nodes');
  const perNode: [string, ArrayLike<number>][] = [
    ['parent', t.parent],
    ['rParent', t.rParent],
    ['area', t.area],
    ['cm', model.cm],
    ['gPas', model.gPas],
    ['ePas', model.ePas],
    ['ena', model.ena],
    ['ek', model.ek],
    ['eh', model.eh],
    ['caShell.gamma', model.caShell.gamma],
    ['caShell.decay', model.caShell.decay],
  ];
  for (const [name, arr] of Object.entries(model.mechanisms)) perNode.push([`mechanism ${name}`, arr]);
  for (const [name, arr] of perNode) {
    if (arr.length !== n)
      throw new RangeError(`${name} has length ${arr.length}, expected one per node (${n})`);
  }
  for (let i = 1; i < n; i++) {
    const p = t.parent[i];
    if (!(p >= 0 && p < i))
      throw new RangeError(`node ${i}: parent ${p} violates the Hines order (0 <= parent < i)`);
    if (!(t.rParent[i] > 0))
      throw new RangeError(`node ${i}: axial resistance ${t.rParent[i]} MΩ must be > 0`);
  }
  for (let i = 0; i < n; i++) {
    if (t.area[i] > 0 && !(model.cm[i] > 0))
      throw new RangeError(`node ${i}: cm must be > 0 on a membrane node`);
  }
  for (const [what, nodes] of [
    ['excitatory', model.synapses.excNodes],
    ['inhibitory', model.synapses.inhNodes],
  ] as const) {
    for (let k = 0; k < nodes.length; k++) {
      if (!(nodes[k] >= 0 && nodes[k] < n))
        throw new RangeError(`${what} synapse ${k} sits on invalid node ${nodes[k]}`);
    }
  }
}
