/**
 * Current-clamp experiments on a compartmental cell without synaptic input (spec §11.2–§11.3): rest,
 * input resistance, the back-propagating AP and BAC firing. Each protocol starts from the same rest
 * state (a snapshot) and returns plain figures; nothing here prints.
 */
import type { CompartmentEngine, EngineState } from '../../../src/reference/cable/engine.js';
import { detectSpikePeaks } from '../../../test/validation/cases.js';
import type { RecordingSite } from './recording-sites.js';

/** Soma traces are reduced to 8 samples/ms for spike detection (spec §9.2). */
const SPIKE_SAMPLE_MS = 0.125;

/** Injected current (nA, positive depolarising) per node at time t (ms from the protocol start). */
type Injector = (t: number, injection: Float64Array) => void;

/** Voltage of the given nodes after every substep (index 0: the starting state). */
function simulate(
  eng: CompartmentEngine,
  ms: number,
  nodes: readonly number[],
  inject?: Injector,
): Float64Array[] {
  const steps = Math.round(ms / eng.dt);
  const traces = nodes.map(() => new Float64Array(steps + 1));
  nodes.forEach((node, q) => (traces[q][0] = eng.v[node]));
  for (let s = 0; s < steps; s++) {
    eng.injection.fill(0);
    if (inject) inject((s + 0.5) * eng.dt, eng.injection);
    eng.step();
    for (let q = 0; q < nodes.length; q++) traces[q][s + 1] = eng.v[nodes[q]];
  }
  eng.injection.fill(0);
  return traces;
}

function argMax(v: Float64Array): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}

function argMin(v: Float64Array): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] < v[best]) best = k;
  return best;
}

/** Somatic spike peaks (ms from the trace start) of a per-substep soma trace. */
function somaSpikes(v: Float64Array, dt: number): number[] {
  const stride = Math.round(SPIKE_SAMPLE_MS / dt);
  if (Math.abs(stride * dt - SPIKE_SAMPLE_MS) > 1e-9) {
    throw new RangeError(`dt ${dt} ms does not divide the ${SPIKE_SAMPLE_MS}-ms spike sampling interval`);
  }
  const sampled = new Float64Array(Math.floor((v.length - 1) / stride) + 1);
  for (let j = 0; j < sampled.length; j++) sampled[j] = v[j * stride];
  return detectSpikePeaks(sampled, SPIKE_SAMPLE_MS);
}

export interface RestFigures {
  /** [time ms, soma mV] at each checkpoint since initialisation */
  soma: [number, number][];
  /** potential at each recording site at the end of the rest period, mV */
  sites: number[];
  /** soma [Ca]i at the end, mM */
  somaCai: number;
  /** the rest state every other protocol starts from */
  state: EngineState;
}

/** From initialisation (spec §6.4), no input, for `restMs`; soma sampled at the checkpoints. */
export function settleToRest(
  eng: CompartmentEngine,
  restMs: number,
  checkpoints: readonly number[],
  sites: readonly RecordingSite[],
): RestFigures {
  eng.reset();
  const soma: [number, number][] = [];
  for (const mark of [...checkpoints.filter((c) => c < restMs), restMs]) {
    simulate(eng, mark - eng.time, []);
    soma.push([mark, eng.v[0]]);
  }
  return { soma, sites: sites.map((s) => eng.v[s.node]), somaCai: eng.cai[0], state: eng.snapshot() };
}

export interface InputResistance {
  /** MΩ from the deflection at the end of the step */
  steady: number;
  /** MΩ from the largest deflection */
  peak: number;
  /** (peak − steady deflection) / peak deflection, % */
  sagPercent: number;
  steadyDeflection: number;
  peakDeflection: number;
}

/** Somatic step of `amp` nA (negative: hyperpolarising) for `ms` from rest. */
export function inputResistance(
  eng: CompartmentEngine,
  rest: EngineState,
  amp: number,
  ms: number,
): InputResistance {
  eng.restore(rest);
  const [v] = simulate(eng, ms, [0], (t, inj) => (inj[0] = amp));
  const v0 = v[0];
  const peakDeflection = (amp < 0 ? v[argMin(v)] : v[argMax(v)]) - v0;
  const steadyDeflection = v[v.length - 1] - v0;
  return {
    steady: steadyDeflection / amp,
    peak: peakDeflection / amp,
    sagPercent: (100 * (peakDeflection - steadyDeflection)) / peakDeflection,
    steadyDeflection,
    peakDeflection,
  };
}

export interface BackPropagation {
  somaSpikes: number[];
  somaPeak: number;
  somaPeakTime: number;
  /** per site: peak above the site's rest (mV) and delay of its peak after the somatic peak (ms) */
  sites: { amplitude: number; delay: number }[];
}

/** Somatic pulse of `amp` nA for `dur` ms at t = 0, recorded for `ms` (spec §11.2 C7–C8). */
export function backPropagatingAp(
  eng: CompartmentEngine,
  rest: EngineState,
  sites: readonly RecordingSite[],
  amp = 3,
  dur = 2,
  ms = 40,
): BackPropagation {
  eng.restore(rest);
  const nodes = [0, ...sites.map((s) => s.node)];
  const traces = simulate(eng, ms, nodes, (t, inj) => {
    if (t < dur) inj[0] = amp;
  });
  const dt = eng.dt;
  const somaAt = argMax(traces[0]);
  return {
    somaSpikes: somaSpikes(traces[0], dt),
    somaPeak: traces[0][somaAt],
    somaPeakTime: somaAt * dt,
    sites: traces.slice(1).map((v) => {
      const k = argMax(v);
      return { amplitude: v[k] - v[0], delay: (k - somaAt) * dt };
    }),
  };
}

export interface BacCondition {
  name: string;
  /** somatic pulse amplitude, nA (0: none) */
  somaAmp: number;
  /** peak of the dendritic EPSP-shaped current, nA (0: none) */
  dendAmp: number;
}

export interface BacFigures {
  condition: BacCondition;
  /** somatic AP peak times after t0, ms */
  somaSpikes: number[];
  peak620: number;
  peak800: number;
  /** time the 620-µm site spends above −40 mV, ms */
  above40At620: number;
}

/** BAC protocol of spec §11.3 */
export const BAC_T0_MS = 5;
const BAC_SOMA_DUR_MS = 5;
const EPSC_RISE_MS = 0.5;
const EPSC_DECAY_MS = 5;

/** e^(−s/τd) − e^(−s/τr) normalised to a peak of 1 (the double-exponential EPSC shape of §11.3). */
export function epscShape(s: number): number {
  if (s < 0) return 0;
  const tPeak =
    (Math.log(EPSC_DECAY_MS / EPSC_RISE_MS) * EPSC_RISE_MS * EPSC_DECAY_MS) / (EPSC_DECAY_MS - EPSC_RISE_MS);
  const peak = Math.exp(-tPeak / EPSC_DECAY_MS) - Math.exp(-tPeak / EPSC_RISE_MS);
  return (Math.exp(-s / EPSC_DECAY_MS) - Math.exp(-s / EPSC_RISE_MS)) / peak;
}

/** Somatic pulse at t0 and/or the EPSC at the 620-µm site from t0 + 5 ms; records `ms` after t0. */
export function bacFiring(
  eng: CompartmentEngine,
  rest: EngineState,
  site620: RecordingSite,
  site800: RecordingSite,
  condition: BacCondition,
  ms = 100,
): BacFigures {
  eng.restore(rest);
  const t0 = BAC_T0_MS;
  const tOn = t0 + BAC_SOMA_DUR_MS;
  const [soma, v620, v800] = simulate(eng, t0 + ms, [0, site620.node, site800.node], (t, inj) => {
    if (condition.somaAmp !== 0 && t >= t0 && t < t0 + BAC_SOMA_DUR_MS) inj[0] += condition.somaAmp;
    if (condition.dendAmp !== 0) inj[site620.node] += condition.dendAmp * epscShape(t - tOn);
  });
  let above = 0;
  for (let k = 1; k < v620.length; k++) if (v620[k] > -40) above++;
  return {
    condition,
    somaSpikes: somaSpikes(soma, eng.dt).map((t) => t - t0),
    peak620: v620[argMax(v620)],
    peak800: v800[argMax(v800)],
    above40At620: above * eng.dt,
  };
}
