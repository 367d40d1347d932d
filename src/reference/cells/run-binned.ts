/**
 * Trials whose input events fall on whole ms (the paper's inputs) run bin by bin as datasets and the
 * streaming reference run them (./compartmental-lanes.ts, any integration setting, spike-adaptive
 * included), for comparison with NEURON on the same events: the soma at 8 samples/ms, the time and
 * the substeps the integration took. Several trials run as the lanes of one engine in lockstep.
 */
import type { BinOutput } from '../../core/neuron.js';
import type { CellModel } from '../cable/cell-model.js';
import type { ProtocolDescription } from '../neuron-oracle/exchange-format.js';
import type { BinStepperOptions } from './bin-stepper.js';
import { CompartmentalLanes } from './compartmental-lanes.js';
import { SAMPLES_PER_MS } from './spike-detector.js';

export interface BinnedResult {
  /** per trial: the soma (mV) at t = 0, 0.125, …, durationMs */
  soma: Float64Array[];
  wallSeconds: number;
  cpuSeconds: number;
  /** engine substeps (all lanes together) per simulated ms: the integration's cost */
  substepsPerMs: number;
  usedKernels: boolean;
}

/** Per bin, the synapse ids of its events (one list per bin, ids in event order). */
function eventsByBin(list: [number, number][], durationMs: number, count: number, what: string): number[][] {
  const bins: number[][] = Array.from({ length: durationMs }, () => []);
  for (const [id, time] of list) {
    if (!Number.isInteger(id) || id < 0 || id >= count)
      throw new RangeError(`${what} event on unknown synapse ${id}`);
    if (!Number.isInteger(time))
      throw new RangeError(`${what} event at ${time} ms: trials run bin by bin take events on whole ms`);
    if (time >= 0 && time < durationMs) bins[time].push(id);
  }
  return bins;
}

export function runBinnedTrials(
  model: CellModel,
  events: readonly ProtocolDescription['events'][],
  durationMs: number,
  options: BinStepperOptions = {},
): BinnedResult {
  if (!Number.isInteger(durationMs) || durationMs <= 0)
    throw new RangeError(`durationMs must be a positive integer, got ${durationMs}`);
  const L = events.length;
  if (L < 1) throw new RangeError('no trials to run');
  const cell = new CompartmentalLanes(model, { ...options, lanes: L });
  const exc = events.map((e) => eventsByBin(e.exc, durationMs, cell.nExc, 'excitatory'));
  const inh = events.map((e) => eventsByBin(e.inh, durationMs, cell.nInh, 'inhibitory'));
  const soma = events.map(() => new Float64Array(durationMs * SAMPLES_PER_MS + 1));
  for (let l = 0; l < L; l++) soma[l][0] = cell.engine.v[l];
  const excNow: number[][] = new Array<number[]>(L);
  const inhNow: number[][] = new Array<number[]>(L);
  const out: BinOutput[] = events.map(() => ({ bin: 0, voltage: 0, spike: false }));
  const samples = cell.binSamples;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let b = 0; b < durationMs; b++) {
    for (let l = 0; l < L; l++) {
      excNow[l] = exc[l][b];
      inhNow[l] = inh[l][b];
    }
    cell.step(excNow, inhNow, out);
    for (let l = 0; l < L; l++)
      soma[l].set(samples.subarray(l * SAMPLES_PER_MS, (l + 1) * SAMPLES_PER_MS), 1 + b * SAMPLES_PER_MS);
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    soma,
    wallSeconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    substepsPerMs: cell.substepsTaken / durationMs,
    usedKernels: cell.engine.usesKernels,
  };
}
