/**
 * Accuracy of every integrator setting against the ground truth: NEURON's variable-step CVode at
 * tight tolerances, on a full L5PC under the paper's input statistics, several trials. Each setting
 * of our engine, and NEURON's own fixed-step backward Euler at 0.025 ms as the baseline, is reduced
 * to spike-matching and voltage figures pooled over trials (and cells); the rule that picks the
 * engine's default is here too. Shared by the jest tests and `npm run validate`.
 */
import {
  integrationLabel,
  NEURON_FIXED_STEP,
  substepsPerMs,
  type IntegrationSetting,
} from '../../src/reference/integration.js';
import type {
  CellDescription,
  ProtocolDescription,
} from '../../src/reference/neuron-oracle/exchange-format.js';
import { runNeuronBatch, type CvodeSettings } from '../../src/reference/neuron-oracle/oracle.js';
import { paperInputProtocol } from '../../src/reference/neuron-oracle/paper-protocol.js';
import { detectSpikePeaks, SPIKE_TOLERANCE_MS } from './cases.js';
import { matchSpikes } from './compare.js';

/**
 * CVode tolerances of the ground truth. Measured (cvode-accuracy.test.ts checks it on a short run): these
 * leave ~5e-5 mV subthreshold and the same spike times as tolerances 100× tighter, three orders of
 * magnitude below the differences between integrator settings.
 */
export const CVODE_GROUND_TRUTH: CvodeSettings = { atol: 1e-6, rtol: 1e-6 };

/**
 * Every setting of the engine that is measured: both methods at fixed substeps dividing 1 ms, and
 * spike-adaptive Crank–Nicolson (coarse substeps, 0.025 ms in the bins around spikes).
 */
export const ENGINE_SETTINGS: IntegrationSetting[] = [
  ...[0.025, 0.03125, 0.05, 0.0625, 0.1, 0.125].flatMap((dt) => [
    { method: 'backward-euler' as const, dt },
    { method: 'crank-nicolson' as const, dt },
  ]),
  ...[0.1, 0.125, 0.2].map((dt) => ({ method: 'crank-nicolson' as const, dt, spikeDt: 0.025 })),
];

/**
 * One trial of the engine on events at whole ms, bin by bin as datasets run it: the soma at
 * 8 samples/ms (t = 0 … durationMs), the wall seconds and the substeps per ms it took.
 */
export type PaperTrialRunner = (
  cell: CellDescription,
  events: ProtocolDescription['events'],
  durationMs: number,
  setting: IntegrationSetting,
) => { soma: Float64Array; wallSeconds: number; substepsPerMs: number };

const SAMPLE_MS = 0.125; // the 8-samples-per-ms soma trace of spike detection (spec §9.2)
const CLIP_MV = -55; // spikes clipped out of voltage figures (spec §9.4)

/** Sums over trials, from which the pooled figures follow. */
export interface AccuracyTally {
  referenceSpikes: number;
  matched: number;
  missing: number;
  extra: number;
  lagSum: number;
  absLagSum: number;
  subSum: number;
  subCount: number;
  clippedSqSum: number;
  clippedCount: number;
  trials: number;
}

export interface PooledFigures {
  referenceSpikes: number;
  matched: number;
  missing: number;
  extra: number;
  /** mean signed lag of matched spikes (test − CVode), ms */
  meanLag: number;
  /** mean |lag| of matched spikes, ms */
  meanAbsLag: number;
  /** mean |ΔV| over samples where both traces are below −55 mV */
  subthresholdMeanAbsDiff: number;
  /** RMSE of the soma traces clipped at −55 mV */
  clippedRmse: number;
}

export function emptyTally(): AccuracyTally {
  return {
    referenceSpikes: 0,
    matched: 0,
    missing: 0,
    extra: 0,
    lagSum: 0,
    absLagSum: 0,
    subSum: 0,
    subCount: 0,
    clippedSqSum: 0,
    clippedCount: 0,
    trials: 0,
  };
}

export function addTally(into: AccuracyTally, t: AccuracyTally): AccuracyTally {
  for (const key of Object.keys(into) as (keyof AccuracyTally)[]) into[key] += t[key];
  return into;
}

/** The figures of one trial: a test soma trace against the ground-truth trace, both on the 0.125-ms grid. */
export function tallyTrial(test: ArrayLike<number>, truth: ArrayLike<number>): AccuracyTally {
  if (test.length !== truth.length)
    throw new RangeError(`trace lengths differ: ${test.length} vs ${truth.length}`);
  const truthSpikes = detectSpikePeaks(truth, SAMPLE_MS);
  const testSpikes = detectSpikePeaks(test, SAMPLE_MS);
  const m = matchSpikes(testSpikes, truthSpikes, SPIKE_TOLERANCE_MS);
  const t = emptyTally();
  t.trials = 1;
  t.referenceSpikes = truthSpikes.length;
  t.matched = m.matched;
  t.missing = m.missing;
  t.extra = m.extra;
  t.lagSum = m.meanLag * m.matched;
  t.absLagSum = m.meanAbsLag * m.matched;
  for (let k = 0; k < test.length; k++) {
    const a = test[k];
    const b = truth[k];
    if (a < CLIP_MV && b < CLIP_MV) {
      t.subSum += Math.abs(a - b);
      t.subCount++;
    }
    const d = Math.min(a, CLIP_MV) - Math.min(b, CLIP_MV);
    t.clippedSqSum += d * d;
  }
  t.clippedCount = test.length;
  return t;
}

export function pooled(t: AccuracyTally): PooledFigures {
  return {
    referenceSpikes: t.referenceSpikes,
    matched: t.matched,
    missing: t.missing,
    extra: t.extra,
    meanLag: t.matched ? t.lagSum / t.matched : 0,
    meanAbsLag: t.matched ? t.absLagSum / t.matched : 0,
    subthresholdMeanAbsDiff: t.subCount ? t.subSum / t.subCount : NaN,
    clippedRmse: t.clippedCount ? Math.sqrt(t.clippedSqSum / t.clippedCount) : NaN,
  };
}

/**
 * Rounding-level ties only: two simulators that compute the same thing (the engine's backward Euler
 * 0.025 and NEURON's, equal to ~1e-6 mV) tie within these; any real difference counts.
 */
const TIE_MS = 1e-5;
const TIE_MV = 1e-5;

/** Which pooled figures of `f` are worse than the baseline's (empty: it agrees at least as well). */
export function worseThan(f: PooledFigures, baseline: PooledFigures): string[] {
  const worse: string[] = [];
  if (f.matched < baseline.matched) worse.push(`matched ${f.matched} < ${baseline.matched}`);
  if (f.missing > baseline.missing) worse.push(`missing ${f.missing} > ${baseline.missing}`);
  if (f.extra > baseline.extra) worse.push(`extra ${f.extra} > ${baseline.extra}`);
  const over = (name: string, a: number, b: number, tie: number, unit: string): void => {
    if (!(a <= b + tie)) worse.push(`${name} ${a.toFixed(4)} > ${b.toFixed(4)} ${unit}`);
  };
  over('|mean lag|', Math.abs(f.meanLag), Math.abs(baseline.meanLag), TIE_MS, 'ms');
  over('mean |lag|', f.meanAbsLag, baseline.meanAbsLag, TIE_MS, 'ms');
  over('subthreshold mean |ΔV|', f.subthresholdMeanAbsDiff, baseline.subthresholdMeanAbsDiff, TIE_MV, 'mV');
  over('clipped RMSE', f.clippedRmse, baseline.clippedRmse, TIE_MV, 'mV');
  return worse;
}

export interface SettingResult {
  setting: IntegrationSetting;
  /** 'engine' or 'neuron-fixed' (the baseline) */
  simulator: 'engine' | 'neuron-fixed';
  tally: AccuracyTally;
  /** engine wall seconds of the integration, summed over trials (NEURON: its run alone) */
  wallSeconds: number;
  /** substeps per simulated ms, averaged over trials: the setting's cost (measured where adaptive) */
  substepsPerMs: number;
}

export interface AccuracyRun {
  cells: string[];
  trials: { cell: string; seed: number; durationMs: number; cvodeSpikes: number }[];
  baseline: SettingResult;
  settings: SettingResult[];
  cvodeWallSeconds: number;
}

export interface AccuracyCase {
  cell: CellDescription;
  dataset: 'nmda' | 'ampa';
}

/**
 * Runs CVode and NEURON's fixed step (one NEURON process per cell, in the background) and every
 * engine setting (in this thread meanwhile) on `seeds` trials of `durationMs` per cell.
 */
export async function measureAccuracy(
  cases: AccuracyCase[],
  engine: PaperTrialRunner,
  settings: IntegrationSetting[],
  opts: { seeds: number[]; durationMs: number; onProgress?: (what: string) => void },
): Promise<AccuracyRun> {
  const { seeds, durationMs } = opts;
  const baseline: SettingResult = {
    setting: { ...NEURON_FIXED_STEP },
    simulator: 'neuron-fixed',
    tally: emptyTally(),
    wallSeconds: 0,
    substepsPerMs: substepsPerMs(NEURON_FIXED_STEP),
  };
  const results: SettingResult[] = settings.map((setting) => ({
    setting,
    simulator: 'engine',
    tally: emptyTally(),
    wallSeconds: 0,
    substepsPerMs: 0,
  }));
  let trialCount = 0;
  const trials: AccuracyRun['trials'] = [];
  let cvodeWallSeconds = 0;
  for (const { cell, dataset } of cases) {
    const protocols = seeds.map((seed) =>
      paperInputProtocol(cell, dataset, durationMs, seed, NEURON_FIXED_STEP.dt, NEURON_FIXED_STEP.method),
    );
    const neuron = runNeuronBatch(
      protocols.flatMap((protocol) => [
        { cell, protocol, cvode: CVODE_GROUND_TRUTH },
        { cell, protocol },
      ]),
    );
    neuron.catch(() => undefined); // awaited below; the engine runs meanwhile
    const engineTraces: Float64Array[][] = [];
    for (const [k, setting] of settings.entries()) {
      opts.onProgress?.(`${cell.cell}: engine ${integrationLabel(setting)}`);
      engineTraces.push(
        protocols.map((p) => {
          const run = engine(cell, p.events, durationMs, setting);
          results[k].wallSeconds += run.wallSeconds;
          results[k].substepsPerMs += run.substepsPerMs;
          return run.soma;
        }),
      );
    }
    trialCount += protocols.length;
    opts.onProgress?.(`${cell.cell}: waiting for NEURON (CVode and fixed step)`);
    const nrn = await neuron;
    seeds.forEach((seed, s) => {
      const truth = nrn[2 * s];
      const fixed = nrn[2 * s + 1];
      cvodeWallSeconds += truth.wallSeconds;
      baseline.wallSeconds += fixed.wallSeconds;
      const truthTrace = truth.traces.soma;
      trials.push({
        cell: cell.cell,
        seed,
        durationMs,
        cvodeSpikes: detectSpikePeaks(truthTrace, SAMPLE_MS).length,
      });
      addTally(baseline.tally, tallyTrial(fixed.traces.soma, truthTrace));
      results.forEach((r, k) => addTally(r.tally, tallyTrial(engineTraces[k][s], truthTrace)));
    });
  }
  for (const r of results) r.substepsPerMs /= Math.max(1, trialCount);
  return { cells: cases.map((c) => c.cell.cell), trials, baseline, settings: results, cvodeWallSeconds };
}

/**
 * Settings ordered by cost (substeps per ms taken), cheapest first; ties by fewer spike mismatches,
 * then RMSE.
 */
export function byCost(results: SettingResult[]): SettingResult[] {
  return [...results].sort((a, b) => {
    const c = a.substepsPerMs - b.substepsPerMs;
    if (c !== 0) return c;
    const fa = pooled(a.tally);
    const fb = pooled(b.tally);
    return fa.missing + fa.extra - (fb.missing + fb.extra) || fa.clippedRmse - fb.clippedRmse;
  });
}

/** The cheapest measured setting that agrees with CVode at least as well as the baseline; null if none. */
export function chooseDefault(run: AccuracyRun): SettingResult | null {
  const base = pooled(run.baseline.tally);
  return byCost(run.settings).find((r) => worseThan(pooled(r.tally), base).length === 0) ?? null;
}

export function sameSetting(a: IntegrationSetting, b: IntegrationSetting): boolean {
  return a.method === b.method && Math.abs(a.dt - b.dt) < 1e-12 && (a.spikeDt ?? 0) === (b.spikeDt ?? 0);
}
