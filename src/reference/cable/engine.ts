/**
 * The fixed-step integrator of a compartmental cell (spec §6.2, optional Crank–Nicolson §6.5).
 *
 * One substep t → t + dt:
 *   1. input events (the caller delivers them before calling step());
 *   2. membrane current I_i (nA) and slope G_i (µS) at the present V, gates held: the leak, then
 *      every mechanism's addCurrents() in substep order (mechanism-set.ts; E_Ca is computed there);
 *   3. (C_i/dt + G_i + Σ_j 1/R_ij)·ΔV_i − Σ_j ΔV_j/R_ij = −I_i + Σ_j (V_j − V_i)/R_ij + I_inj,i
 *      (Crank–Nicolson: 2C_i/dt, and ΔV is the half-step change δ);
 *   4. Hines elimination over the tree (parent index < child index), V += ΔV (CN: V += 2δ);
 *   5. every mechanism's advance() at the new V: Ca shell, voltage gates, SK with the new [Ca]i,
 *      synaptic decay.
 * Units: nF/ms = µS, 1/MΩ = µS, currents nA. Everything is preallocated; step() allocates nothing.
 *
 * `lanes` > 1 steps that many trials of the same cell in lockstep (membrane.ts: node i of lane l at
 * i·lanes + l). Each lane's arithmetic is exactly that of a one-lane engine, so a lane's trial is the
 * same to the bit as the trial run alone; the lanes only share the loops, which lets independent
 * work of several trials overlap in the processor (the tree solve is a chain of dependent divisions).
 * With two lanes and the WebAssembly kernels, every kernel (the tree solve included) processes a
 * node's two lanes as one f64x2 vector (assembly/cable-kernels.ts).
 */
import type { CaShellPopulation } from './ca-shell-population.js';
import type { CellModel } from './cell-model.js';
import type { ChannelPopulation, RateEvaluation } from './channel-population.js';
import { DEFAULT_GRID, type VoltageGrid } from './gate-table.js';
import { HEAP_STORE, MeasuringStore, WasmArrayStore, type ArrayStore } from './array-store.js';
import type { Mechanism } from './mechanism.js';
import { buildMechanisms, type MechanismSet } from './mechanism-set.js';
import { repeatPerLane, type IntegrationMethod, type Membrane } from './membrane.js';
import type { NernstCa } from './nernst-ca.js';
import type { SkPopulation } from './sk-population.js';
import type { SynapsePopulation } from './synapse-population.js';
import {
  instantiateKernels,
  kernelsAvailable,
  type CableKernels,
  type KernelChoice,
} from './wasm-kernels.js';

export type { IntegrationMethod } from './membrane.js';

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
  /** trials stepped in lockstep (default 1) */
  lanes?: number;
  /** the substep loops: WebAssembly kernels when built ('auto', the default), required, or plain JS */
  kernels?: KernelChoice;
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
  /** trials stepped in lockstep; per-node arrays hold node i of lane l at i·lanes + l */
  readonly lanes: number;
  readonly dt: number;
  readonly method: IntegrationMethod;
  readonly silenceAtTimeZero: boolean;
  /** membrane potential per node (and lane), mV */
  readonly v: Float64Array;
  /** electrode current per node (and lane), nA, positive depolarising; set by the caller, held over a substep */
  readonly injection: Float64Array;
  /** [Ca]i per node, mM (meaningful in shell nodes) */
  readonly cai: Float64Array;
  /** E_Ca per node, mV (meaningful in shell nodes) */
  readonly eca: Float64Array;
  /** Ca current density per node of the last substep, mA/cm² */
  readonly iCa: Float64Array;
  readonly channels: ChannelPopulation[];
  readonly sk: SkPopulation;
  readonly shell: CaShellPopulation;
  readonly nernst: NernstCa;
  readonly exc: SynapsePopulation;
  readonly inh: SynapsePopulation;
  /** every mechanism in substep order */
  readonly mechanisms: readonly Mechanism[];
  private readonly shellMembers: Int32Array;
  /** the WebAssembly kernels of this engine's memory, or null (plain JS) */
  private readonly kernels: CableKernels | null;

  private readonly parent: Int32Array;
  /** children of node i: childList[childStart[i] .. childStart[i + 1]), in descending index order */
  private readonly childStart: Int32Array;
  private readonly childList: Int32Array;
  /**
   * Visiting orders of the kernels' tree solve: elimination by height above the leaves,
   * back-substitution by depth below the root (root excluded). The nodes of one level do not depend
   * on each other, so consecutive iterations are independent chains of divisions that the processor
   * overlaps; each node's own arithmetic is that of the index-order passes, so the result is the
   * same to the bit.
   */
  private readonly eliminationOrder: Int32Array;
  private readonly substitutionOrder: Int32Array;
  /** 1/R to the parent, µS */
  private readonly gAxial: Float64Array;
  /** Σ_j 1/R_ij, µS */
  private readonly gAxialSum: Float64Array;
  /** C/dt (CN: 2C/dt), µS */
  private readonly cdt: Float64Array;
  /** leak conductance (µS) and reversal (mV) per node and lane */
  private readonly gLeak: Float64Array;
  private readonly eLeak: Float64Array;
  private readonly cur: Float64Array;
  private readonly slope: Float64Array;
  private readonly gCa: Float64Array;
  private readonly diag: Float64Array;
  /** right-hand side of the tree system, then its solution ΔV (CN: δ) */
  private readonly dv: Float64Array;
  /** V ← V + vScale·dv: 1 (backward Euler) or 2 (Crank–Nicolson) */
  private readonly vScale: number;
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
    const lanes = options.lanes ?? 1;
    if (!Number.isInteger(lanes) || lanes < 1) {
      throw new RangeError(`lanes must be a positive integer, got ${lanes}`);
    }
    this.lanes = lanes;
    const tree = model.tree;
    const n = tree.nNodes;
    this.n = n;
    checkTree(model);

    const spec: StorageSpec = {
      model,
      dt,
      method: this.method,
      lanes,
      rates: options.rates ?? 'table',
      grid: options.grid ?? DEFAULT_GRID,
    };
    let storage: EngineStorage;
    if (kernelsAvailable(options.kernels ?? 'auto')) {
      const measuring = new MeasuringStore();
      buildStorage(spec, measuring, null);
      const { kernels, buffer } = instantiateKernels(measuring.bytes);
      storage = buildStorage(spec, new WasmArrayStore(buffer, 0), kernels);
    } else {
      storage = buildStorage(spec, HEAP_STORE, null);
    }
    this.kernels = storage.kernels;
    this.v = storage.v;
    this.injection = storage.injection;
    this.cur = storage.cur;
    this.slope = storage.slope;
    this.diag = storage.diag;
    this.dv = storage.dv;
    this.clampLevel = new Float64Array(n);
    this.parent = storage.parent;
    this.childStart = storage.childStart;
    this.childList = storage.childList;
    this.eliminationOrder = storage.eliminationOrder;
    this.substitutionOrder = storage.substitutionOrder;
    this.gAxial = storage.gAxial;
    this.gAxialSum = storage.gAxialSum;
    this.cdt = storage.cdt;
    this.gLeak = storage.gLeak;
    this.eLeak = storage.eLeak;
    this.vScale = this.method === 'crank-nicolson' ? 2 : 1;
    const set = storage.set;
    this.cai = set.ca.cai;
    this.eca = set.ca.eca;
    this.iCa = set.ca.iCa;
    this.gCa = set.ca.gCa;
    this.shellMembers = set.ca.nodes;
    this.channels = set.channels;
    this.sk = set.sk;
    this.shell = set.shell;
    this.nernst = set.nernst;
    this.exc = set.exc;
    this.inh = set.inh;
    this.mechanisms = set.all;
    this.reset();
  }

  /** Substeps since reset; the time is stepIndex·dt ms. */
  get stepIndex(): number {
    return this._stepIndex;
  }

  get time(): number {
    return this._stepIndex * this.dt;
  }

  /** SK members (node indices) and their gate states. */
  get skNodes(): Int32Array {
    return this.sk.nodes;
  }

  get skZ(): Float64Array {
    return this.sk.z;
  }

  /** Nodes with a Ca shell. */
  get shellNodes(): Int32Array {
    return this.shellMembers;
  }

  /**
   * Back to the initial state (spec §6.4): V = vInit, [Ca]i = initCai, gates at x∞(vInit), z∞([Ca]i),
   * no synaptic conductance.
   */
  reset(): void {
    this._stepIndex = 0;
    this.v.fill(this.model.vInit);
    this.injection.fill(0);
    const mechanisms = this.mechanisms;
    for (let m = 0; m < mechanisms.length; m++) mechanisms[m].initialise();
  }

  /** Excitatory event on synapse id k of a lane now (at the start of the next substep). */
  deliverExc(k: number, lane = 0): void {
    if (this.silenceAtTimeZero && this._stepIndex === 0) this.exc.silenced[k * this.lanes + lane] = 1;
    this.exc.deliver(k, lane);
  }

  deliverInh(k: number, lane = 0): void {
    if (this.silenceAtTimeZero && this._stepIndex === 0) this.inh.silenced[k * this.lanes + lane] = 1;
    this.inh.deliver(k, lane);
  }

  /**
   * Clamp the given nodes to levels (mV) through a series conductance gSeries (µS), as a very stiff
   * current source I = gSeries·(V − level), the same in every lane. Pass an empty list to release.
   */
  setClamp(nodes: ArrayLike<number>, gSeries = 1e3): void {
    this.clampNodes = Int32Array.from(nodes);
    this.clampG = gSeries;
  }

  setClampLevel(node: number, level: number): void {
    this.clampLevel[node] = level;
  }

  /** Advance one substep (every lane). */
  step(): void {
    const { lanes: L, v, cur, slope, mechanisms } = this;
    const size = v.length;
    // 2. currents and slopes at the present V: leak, mechanisms, clamps
    const { gLeak, eLeak, kernels } = this;
    if (kernels) {
      kernels.leak(size, v.byteOffset, gLeak.byteOffset, eLeak.byteOffset, cur.byteOffset, slope.byteOffset);
    } else {
      for (let i = 0; i < size; i++) {
        const g = gLeak[i];
        cur[i] = g * (v[i] - eLeak[i]);
        slope[i] = g;
      }
    }
    for (let m = 0; m < mechanisms.length; m++) mechanisms[m].addCurrents();
    const clampNodes = this.clampNodes;
    for (let k = 0; k < clampNodes.length; k++) {
      const node = clampNodes[k];
      for (let l = 0; l < L; l++) {
        const i = node * L + l;
        cur[i] += this.clampG * (v[i] - this.clampLevel[node]);
        slope[i] += this.clampG;
      }
    }
    if (kernels && L <= 2) this.solveWithKernels(kernels);
    else if (L > 1) this.solveLanes();
    else this.solveOneLane();
    // 5. states at the new V
    for (let m = 0; m < mechanisms.length; m++) mechanisms[m].advance();
    this._stepIndex++;
  }

  /** Steps 3–4 for every lane. */
  private solveLanes(): void {
    const { n, lanes: L, v, cur, slope, diag, dv, parent, gAxial } = this;
    // 3.–4. one pass from the leaves to the root: assemble node i's row (its children's axial
    //    fluxes, then its own), then eliminate its children into it (off-diagonal a_j = −1/R_j).
    //    The order of every sum is that of separate assembly and elimination passes over
    //    descending indices, so the result is the same to the bit.
    const { cdt, gAxialSum, injection, childStart, childList } = this;
    for (let i = n - 1; i >= 0; i--) {
      const first = childStart[i];
      const end = childStart[i + 1];
      const base = i * L;
      const ci = cdt[i];
      const gsi = gAxialSum[i];
      const gi = gAxial[i];
      const pb = i > 0 ? parent[i] * L : 0;
      for (let l = 0; l < L; l++) {
        const vi = v[base + l];
        let d = ci + slope[base + l] + gsi;
        let r = injection[base + l] - cur[base + l];
        for (let c = first; c < end; c++) {
          const j = childList[c];
          r -= gAxial[j] * (vi - v[j * L + l]);
        }
        if (i > 0) r += gi * (v[pb + l] - vi);
        for (let c = first; c < end; c++) {
          const j = childList[c];
          const a = gAxial[j];
          const q = a / diag[j * L + l];
          d -= a * q;
          r += q * dv[j * L + l];
        }
        diag[base + l] = d;
        dv[base + l] = r;
      }
    }
    // back-substitution, moving V in the same pass (a node's solution is final once its parent's is)
    const vScale = this.vScale;
    for (let l = 0; l < L; l++) {
      dv[l] /= diag[l];
      v[l] += vScale * dv[l];
    }
    for (let i = 1; i < n; i++) {
      const base = i * L;
      const pb = parent[i] * L;
      const gi = gAxial[i];
      for (let l = 0; l < L; l++) {
        const x = (dv[base + l] + gi * dv[pb + l]) / diag[base + l];
        dv[base + l] = x;
        v[base + l] += vScale * x;
      }
    }
  }

  /**
   * Steps 3–4 of a one-lane engine: solveLanes() with lanes = 1, written without the lane loops,
   * which cost a fifth of a single trial's time.
   */
  private solveOneLane(): void {
    const { n, v, cur, slope, diag, dv, parent, gAxial } = this;
    const { cdt, gAxialSum, injection, childStart, childList } = this;
    for (let i = n - 1; i >= 0; i--) {
      const vi = v[i];
      let d = cdt[i] + slope[i] + gAxialSum[i];
      let r = injection[i] - cur[i];
      const first = childStart[i];
      const end = childStart[i + 1];
      for (let c = first; c < end; c++) {
        const j = childList[c];
        r -= gAxial[j] * (vi - v[j]);
      }
      if (i > 0) r += gAxial[i] * (v[parent[i]] - vi);
      for (let c = first; c < end; c++) {
        const j = childList[c];
        const a = gAxial[j];
        const q = a / diag[j];
        d -= a * q;
        r += q * dv[j];
      }
      diag[i] = d;
      dv[i] = r;
    }
    const vScale = this.vScale;
    dv[0] /= diag[0];
    v[0] += vScale * dv[0];
    for (let i = 1; i < n; i++) {
      const x = (dv[i] + gAxial[i] * dv[parent[i]]) / diag[i];
      dv[i] = x;
      v[i] += vScale * x;
    }
  }

  /** solveOneLane() in WebAssembly, or solveLanes() of two lanes (both lanes of a node as one vector). */
  private solveWithKernels(kernels: CableKernels): void {
    (this.lanes === 2 ? kernels.solveTwoLanes : kernels.solveOneLane)(
      this.n,
      this.v.byteOffset,
      this.cur.byteOffset,
      this.slope.byteOffset,
      this.diag.byteOffset,
      this.dv.byteOffset,
      this.parent.byteOffset,
      this.gAxial.byteOffset,
      this.cdt.byteOffset,
      this.gAxialSum.byteOffset,
      this.injection.byteOffset,
      this.childStart.byteOffset,
      this.childList.byteOffset,
      this.eliminationOrder.byteOffset,
      this.substitutionOrder.byteOffset,
      this.vScale,
    );
  }

  /** Whether the substep loops run as WebAssembly kernels. */
  get usesKernels(): boolean {
    return this.kernels !== null;
  }

  /**
   * The arrays that hold the dynamical state, in a fixed order: V, the gates of every channel, SK z,
   * [Ca]i, the synaptic states and silenced flags. Every one is lane-minor (entry k·lanes + l belongs
   * to lane l), so two engines of one cell and lane count can copy state lane by lane.
   */
  stateArrays(): (Float64Array | Uint8Array)[] {
    const arrays: (Float64Array | Uint8Array)[] = [this.v];
    for (const ch of this.channels) arrays.push(ch.gate0, ch.gate1);
    arrays.push(this.skZ, this.cai);
    for (const p of [this.exc, this.inh]) arrays.push(p.a, p.b, p.an, p.bn, p.silenced);
    return arrays;
  }

  /** Sets the substep count (the clock) without touching the state, e.g. after copying state in. */
  resumeAt(stepIndex: number): void {
    if (!Number.isInteger(stepIndex) || stepIndex < 0)
      throw new RangeError(`stepIndex must be an integer >= 0, got ${stepIndex}`);
    this._stepIndex = stepIndex;
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
    this.nernst.addCurrents();
  }

  /** E_Ca (mV) from the present [Ca]i of a node (Nernst). */
  nernstEca(node: number, lane = 0): number {
    return this.nernst.at(node, lane);
  }

  /** Ca channel slope of the last substep (mA/cm²/mV) — exposed for tests of the CN variant. */
  caSlope(node: number, lane = 0): number {
    return this.gCa[node * this.lanes + lane];
  }
}

interface StorageSpec {
  model: CellModel;
  dt: number;
  method: IntegrationMethod;
  lanes: number;
  rates: RateEvaluation;
  grid: VoltageGrid;
}

/** The arrays of an engine and its mechanisms, in one store. */
interface EngineStorage {
  kernels: CableKernels | null;
  v: Float64Array;
  injection: Float64Array;
  cur: Float64Array;
  slope: Float64Array;
  diag: Float64Array;
  dv: Float64Array;
  parent: Int32Array;
  childStart: Int32Array;
  childList: Int32Array;
  eliminationOrder: Int32Array;
  substitutionOrder: Int32Array;
  gAxial: Float64Array;
  gAxialSum: Float64Array;
  cdt: Float64Array;
  gLeak: Float64Array;
  eLeak: Float64Array;
  set: MechanismSet;
}

function buildStorage(spec: StorageSpec, store: ArrayStore, kernels: CableKernels | null): EngineStorage {
  const { model, dt, method, lanes } = spec;
  const tree = model.tree;
  const n = tree.nNodes;
  const size = n * lanes;
  const v = store.f64(size);
  const cur = store.f64(size);
  const slope = store.f64(size);
  const dv = store.f64(size);
  const childStart = store.i32(n + 1);
  for (let i = 1; i < n; i++) childStart[tree.parent[i] + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const childList = store.i32(Math.max(0, n - 1));
  const fill = childStart.slice(0, n);
  for (let i = n - 1; i > 0; i--) childList[fill[tree.parent[i]]++] = i;
  const gAxial = store.f64(n);
  const gAxialSum = store.f64(n);
  for (let i = 1; i < n; i++) {
    const g = 1 / tree.rParent[i];
    gAxial[i] = g;
    gAxialSum[i] += g;
    gAxialSum[tree.parent[i]] += g;
  }
  const capFactor = method === 'crank-nicolson' ? 2 : 1;
  const cdt = store.f64(n);
  const gLeak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = tree.area[i];
    cdt[i] = (capFactor * 1e-5 * a * model.cm[i]) / dt;
    gLeak[i] = 1e-2 * a * model.gPas[i];
  }
  const membrane: Membrane = { dt, method, lanes, v, cur, slope, dv, store, kernels };
  return {
    kernels,
    v,
    injection: store.f64(size),
    cur,
    slope,
    diag: store.f64(size),
    dv,
    parent: store.place(tree.parent),
    childStart,
    childList,
    eliminationOrder: store.place(levelOrder(tree.parent, 'height')),
    substitutionOrder: store.place(levelOrder(tree.parent, 'depth').subarray(1)),
    gAxial,
    gAxialSum,
    cdt,
    gLeak: store.place(repeatPerLane(gLeak, lanes)),
    eLeak: store.place(repeatPerLane(model.ePas, lanes)),
    set: buildMechanisms(model, membrane, spec.rates, spec.grid),
  };
}

/**
 * The nodes level by level: 'height' counts nodes to the farthest leaf below (leaves first, the root
 * last), 'depth' nodes to the root (the root first); within a level by index, descending for height
 * and ascending for depth. Every child comes before its parent in the height order and after it in
 * the depth order.
 */
function levelOrder(parent: Int32Array, by: 'height' | 'depth'): Int32Array {
  const n = parent.length;
  const level = new Int32Array(n);
  if (by === 'height') {
    for (let i = n - 1; i > 0; i--) level[parent[i]] = Math.max(level[parent[i]], level[i] + 1);
  } else {
    for (let i = 1; i < n; i++) level[i] = level[parent[i]] + 1;
  }
  const order = Int32Array.from({ length: n }, (_, i) => (by === 'height' ? n - 1 - i : i));
  return order.sort((a, b) => level[a] - level[b] || (by === 'height' ? b - a : a - b));
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
