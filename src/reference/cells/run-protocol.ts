/**
 * Run a ProtocolDescription (spec-level experiment: synaptic events, current clamps, voltage clamps,
 * recordings at section/x) on this engine, for comparison with NEURON running the same protocol.
 *
 * Record variables: 'v' (default), gate states '<gate>_<Mechanism>' (m_NaTs2, h_CaHVA, z_SK), 'cai',
 * 'eca', 'ica', 'ina', 'ik', 'ihcn_Ih' (mA/cm²) and synapse variables '<exc|inh>[id].<g|gAmpa|gNmda>'
 * (µS). States are the values at the sample time; assigned variables (currents, conductances, eca)
 * are those of the step that ends at the sample time, computed from the states at its start — as
 * NEURON records them. Samples at t = 0, recordEvery, ... ≤ tstop.
 */
import type { CellModel } from '../cable/cell-model.js';
import { CompartmentEngine } from '../cable/engine.js';
import type { KernelChoice } from '../cable/wasm-kernels.js';
import type { CellDescription, ProtocolDescription } from '../neuron-oracle/exchange-format.js';
import { modelFromDescription, nodeOf, segmentOfX } from './from-description.js';

export interface ProtocolResult {
  t: Float64Array;
  traces: Record<string, Float64Array>;
  /** wall-clock seconds of the integration alone */
  wallSeconds: number;
  /** CPU seconds of this process over the integration (less sensitive than wall time to other jobs) */
  cpuSeconds: number;
  /** whether the engine ran the WebAssembly kernels */
  usedKernels: boolean;
}

type Probe = { read: () => number; assigned: boolean };

export function integerRatio(a: number, b: number, what: string): number {
  const r = Math.round(a / b);
  if (!(r >= 1) || Math.abs(r * b - a) > 1e-9 * Math.max(1, a)) {
    throw new RangeError(`${what} (${a}) must be a whole multiple of dt (${b})`);
  }
  return r;
}

export function runProtocol(
  cell: CellDescription | CellModel,
  protocol: ProtocolDescription,
  /** how the engine runs its loops (default: the WebAssembly kernels when built) */
  kernels: KernelChoice = 'auto',
): ProtocolResult {
  const model = 'format' in cell ? modelFromDescription(cell) : cell;
  const dt = protocol.dt;
  const eng = new CompartmentEngine(model, { dt, method: protocol.method, kernels });
  const nodeAt = nodeLocator(model);
  const nSteps = integerRatio(protocol.tstop, dt, 'tstop');
  const every = integerRatio(protocol.recordEvery, dt, 'recordEvery');
  const byStep = eventsByStep(protocol, dt, eng.exc.count, eng.inh.count);
  const iclamps = protocol.iclamps.map((c, k) => ({ ...c, node: nodeAt(c.section, c.x, `iclamp ${k}`) }));
  const vclamps = (protocol.vclamps ?? []).map((c, k) => ({
    ...c,
    node: nodeAt(c.section, c.x, `vclamp ${k}`),
  }));
  if (vclamps.length > 0) eng.setClamp(vclamps.map((c) => c.node));

  const probes = protocol.record.map((r) =>
    probe(eng, model, r.variable ?? 'v', nodeAt(r.section, r.x, r.name)),
  );
  const nSamples = Math.floor(nSteps / every) + 1;
  const t = new Float64Array(nSamples);
  const traces: Record<string, Float64Array> = {};
  const out = protocol.record.map((r) => (traces[r.name] = new Float64Array(nSamples)));
  const pending = new Float64Array(probes.length);
  const anyAssigned = probes.some((p) => p.assigned);
  const sample = (j: number, s: number): void => {
    t[j] = s * dt;
    probes.forEach((p, q) => (out[q][j] = p.assigned ? pending[q] : p.read()));
  };
  // at t = 0 assigned variables are those of the initial state
  probes.forEach((p, q) => (pending[q] = p.read()));
  sample(0, 0);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let s = 0; s < nSteps; s++) {
    const events = byStep.get(s);
    if (events) {
      for (const [exc, id] of events) {
        if (exc) eng.deliverExc(id);
        else eng.deliverInh(id);
      }
    }
    const tMid = (s + 0.5) * dt;
    eng.injection.fill(0);
    for (const c of iclamps) if (tMid >= c.delay && tMid < c.delay + c.dur) eng.injection[c.node] += c.amp;
    for (const c of vclamps) eng.setClampLevel(c.node, clampLevel(c.levels, tMid));
    if (anyAssigned) probes.forEach((p, q) => p.assigned && (pending[q] = p.read()));
    eng.step();
    if ((s + 1) % every === 0) sample((s + 1) / every, s + 1);
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    t,
    traces,
    wallSeconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    usedKernels: eng.usesKernels,
  };
}

/** The node of a section at x, or a one-line error naming `what`. */
export function nodeLocator(model: CellModel): (section: number, x: number, what: string) => number {
  const tree = model.tree;
  return (section, x, what) => {
    if (!(section >= 0 && section < tree.nseg.length)) throw new RangeError(`${what}: no section ${section}`);
    return nodeOf(tree.section, tree.segment, section, segmentOfX(x, tree.nseg[section]));
  };
}

/**
 * A protocol's events as per-step lists [excitatory?, synapse id]: delivered at the first step whose
 * t + dt/2 ≥ t_e (spec §6.2 step 1)
 */
export function eventsByStep(
  protocol: ProtocolDescription,
  dt: number,
  nExc: number,
  nInh: number,
): Map<number, [boolean, number][]> {
  const eventStep = (time: number): number => Math.max(0, Math.ceil(time / dt - 0.5 - 1e-9));
  const byStep = new Map<number, [boolean, number][]>();
  for (const [type, list] of [
    [true, protocol.events.exc],
    [false, protocol.events.inh],
  ] as const) {
    const count = type ? nExc : nInh;
    for (const [id, time] of list) {
      if (!Number.isInteger(id) || id < 0 || id >= count)
        throw new RangeError(`event on unknown synapse ${id}`);
      const s = eventStep(time);
      if (!byStep.has(s)) byStep.set(s, []);
      byStep.get(s)!.push([type, id]);
    }
  }
  return byStep;
}

/** SEClamp-style level sequence: each level for its duration, the last one held afterwards. */
function clampLevel(levels: { dur: number; amp: number }[], t: number): number {
  let end = 0;
  for (const l of levels) {
    end += l.dur;
    if (t < end) return l.amp;
  }
  return levels[levels.length - 1].amp;
}

function probe(eng: CompartmentEngine, model: CellModel, variable: string, node: number): Probe {
  const v = eng.v;
  if (variable === 'v') return { read: () => v[node], assigned: false };
  if (variable === 'cai') return { read: () => eng.cai[node], assigned: false };
  if (variable === 'eca')
    return { read: () => (model.caShell.decay[node] > 0 ? eng.nernstEca(node) : NaN), assigned: true };
  if (variable === 'ica') return { read: () => ionCurrent(eng, node, 'ca'), assigned: true };
  if (variable === 'ina') return { read: () => ionCurrent(eng, node, 'na'), assigned: true };
  if (variable === 'ik') return { read: () => ionCurrent(eng, node, 'k'), assigned: true };
  if (variable === 'ihcn_Ih') return { read: () => ionCurrent(eng, node, 'h'), assigned: true };
  const syn = /^(exc|inh)\[(\d+)\]\.(g|gAmpa|gNmda)$/.exec(variable);
  if (syn) {
    const pop = syn[1] === 'exc' ? eng.exc : eng.inh;
    const id = Number(syn[2]);
    if (id >= pop.count) throw new RangeError(`record ${variable}: no such synapse`);
    const which = syn[3];
    const gmax = pop.params.gmax;
    const read =
      which === 'gNmda'
        ? () => gmax * (pop.bn[id] - pop.an[id])
        : which === 'gAmpa' || !pop.hasNmda
          ? () => gmax * (pop.b[id] - pop.a[id])
          : () => pop.conductance(id);
    return { read, assigned: true };
  }
  const gate = /^([a-z])_(\w+)$/.exec(variable);
  if (gate) {
    const [, g, mech] = gate;
    if (mech === 'SK' && g === 'z') {
      const k = eng.skNodes.indexOf(node);
      if (k < 0) throw new RangeError(`record ${variable}: no SK at node ${node}`);
      return { read: () => eng.skZ[k], assigned: false };
    }
    const ch = eng.channels.find((c) => c.name === mech);
    const k = ch ? ch.nodes.indexOf(node) : -1;
    const gi = g === 'm' ? 0 : g === 'h' ? 1 : -1;
    if (!ch || k < 0 || gi < 0 || gi >= ch.nGates)
      throw new RangeError(`record ${variable}: not present at node ${node}`);
    const states = gi === 0 ? ch.gate0 : ch.gate1;
    return { read: () => states[k], assigned: false };
  }
  throw new RangeError(`record: unknown variable '${variable}'`);
}

/** Density (mA/cm²) of one ion's channel currents at a node from the present states. */
function ionCurrent(eng: CompartmentEngine, node: number, ion: 'na' | 'k' | 'ca' | 'h'): number {
  let total = 0;
  const model = eng.model;
  for (const ch of eng.channels) {
    if (ch.ion !== ion) continue;
    const k = ch.nodes.indexOf(node);
    if (k < 0) continue;
    const e =
      ion === 'ca'
        ? eng.nernstEca(node)
        : ion === 'na'
          ? model.ena[node]
          : ion === 'k'
            ? model.ek[node]
            : model.eh[node];
    total += ch.gbar[k] * ch.openFraction(k) * (eng.v[node] - e);
  }
  if (ion === 'k') {
    const k = eng.skNodes.indexOf(node);
    const density = model.mechanisms.SK;
    if (k >= 0 && density) total += density[node] * eng.skZ[k] * (eng.v[node] - model.ek[node]);
  }
  return total;
}
