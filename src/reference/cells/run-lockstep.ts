/**
 * Several ProtocolDescriptions of one cell run as the lanes of one engine in lockstep
 * (cable/engine.ts `lanes`): each lane's trial is the same to the bit as runProtocol() of its
 * protocol, at a lower cost per trial. For timing trials in lockstep against NEURON running them one
 * by one: the protocols share dt, method, duration and recordings, and record membrane voltage only;
 * synaptic events and current clamps may differ per lane, voltage clamps are not taken.
 */
import type { CellModel } from '../cable/cell-model.js';
import { CompartmentEngine } from '../cable/engine.js';
import type { KernelChoice } from '../cable/wasm-kernels.js';
import type { CellDescription, ProtocolDescription } from '../neuron-oracle/exchange-format.js';
import { modelFromDescription } from './from-description.js';
import { eventsByStep, integerRatio, nodeLocator } from './run-protocol.js';

const NO_EVENTS: [boolean, number][] = [];

export interface LockstepResult {
  /** per lane: each recording's samples at t = 0, recordEvery, … */
  traces: Record<string, Float64Array>[];
  /** wall-clock and CPU seconds of the integration of all lanes together */
  wallSeconds: number;
  cpuSeconds: number;
  usedKernels: boolean;
}

function checkAlike(protocols: readonly ProtocolDescription[]): void {
  if (protocols.length < 1) throw new RangeError('no protocols to run in lockstep');
  const first = protocols[0];
  const shape = (p: ProtocolDescription): string =>
    JSON.stringify([p.dt, p.method, p.tstop, p.recordEvery, p.record]);
  for (const p of protocols) {
    if (shape(p) !== shape(first))
      throw new RangeError('protocols in lockstep must share dt, method, tstop, recordEvery and recordings');
    if ((p.vclamps ?? []).length > 0) throw new RangeError('protocols in lockstep take no voltage clamps');
    for (const r of p.record) {
      if ((r.variable ?? 'v') !== 'v')
        throw new RangeError(`protocols in lockstep record voltage only, not '${r.variable}' (${r.name})`);
    }
  }
}

export function runLockstepProtocols(
  cell: CellDescription | CellModel,
  protocols: readonly ProtocolDescription[],
  kernels: KernelChoice = 'auto',
): LockstepResult {
  checkAlike(protocols);
  const model = 'format' in cell ? modelFromDescription(cell) : cell;
  const L = protocols.length;
  const { dt, method } = protocols[0];
  const eng = new CompartmentEngine(model, { dt, method, kernels, lanes: L });
  const nodeAt = nodeLocator(model);
  const nSteps = integerRatio(protocols[0].tstop, dt, 'tstop');
  const every = integerRatio(protocols[0].recordEvery, dt, 'recordEvery');
  const byStep = protocols.map((p) => eventsByStep(p, dt, eng.exc.count, eng.inh.count));
  const iclamps = protocols.map((p) =>
    p.iclamps.map((c, k) => ({ ...c, node: nodeAt(c.section, c.x, `iclamp ${k}`) })),
  );
  const recorded = protocols[0].record.map((r) => nodeAt(r.section, r.x, r.name));
  const nSamples = Math.floor(nSteps / every) + 1;
  const traces = protocols.map((p) =>
    Object.fromEntries(p.record.map((r) => [r.name, new Float64Array(nSamples)])),
  );
  const out = traces.map((t, l) => protocols[l].record.map((r) => t[r.name]));
  const v = eng.v;
  const sample = (j: number): void => {
    for (let l = 0; l < L; l++) recorded.forEach((node, q) => (out[l][q][j] = v[node * L + l]));
  };
  sample(0);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let s = 0; s < nSteps; s++) {
    const tMid = (s + 0.5) * dt;
    eng.injection.fill(0);
    for (let l = 0; l < L; l++) {
      for (const [exc, id] of byStep[l].get(s) ?? NO_EVENTS) {
        if (exc) eng.deliverExc(id, l);
        else eng.deliverInh(id, l);
      }
      for (const c of iclamps[l]) {
        if (tMid >= c.delay && tMid < c.delay + c.dur) eng.injection[c.node * L + l] += c.amp;
      }
    }
    eng.step();
    if ((s + 1) % every === 0) sample((s + 1) / every);
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    traces,
    wallSeconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    usedKernels: eng.usesKernels,
  };
}
