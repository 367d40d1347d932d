import type { DrawnInputRecord } from '../core/input-record.js';
import type { SpikeTrain } from '../core/spikes.js';
import { GrowableInt32 } from './growable.js';
import { Rng } from '../core/rng.js';
import { gaussianWindow, SameSizeSmoother, StepSmoother } from './smoothing.js';

/**
 * The paper's input-pattern generator (spec §8, and its I&F variant in §7), generic over the
 * number of synapses, their grouping into "trees" and their spatial weights.
 *
 * One trial, in the order random numbers are drawn from the trial's stream:
 *  1. hold interval H = option + trunc(U[−J, J)), smoothing width σ likewise (§8.1);
 *     M = ⌈T/H⌉ intervals;
 *  2. per interval, per group: E ~ U[Elo, Ehi] and I ~ U[max(0, E+Δlo), E+Δhi] spikes per 100 ms
 *     (a negative I, possible when E+Δhi < 0, becomes a tiny floor value) (§8.2);
 *  3. multiplicative noise u ~ U[0.5, 1.5] per excitatory synapse per interval, then the same for
 *     the inhibitory synapses (§8.3);
 *  4. coarse rate of synapse k in group g: r = count/(100·S_g)·u·w_k spikes/ms, with S_g the sum of
 *     the group's weights; expanded to 1-ms bins and smoothed with a Gaussian (§8.4);
 *  5. per excitatory synapse in id order, then per inhibitory synapse, per bin: a spike with
 *     probability q = ρ(1 − e^{−1/ρ}) (§8.5; the reference's exponential-then-uniform draw,
 *     collapsed into one Bernoulli draw).
 * The smoothing is exact either way; the method (FFT or step-sum, see ./smoothing.ts) is chosen
 * per trial from H and σ alone, so a seed always gives the same spikes.
 */
export interface SynapseGroup {
  name: string;
  /** excitatory synapse ids of this group and their spatial weights (same length) */
  excIds: readonly number[];
  excWeights: readonly number[];
  inhIds: readonly number[];
  inhWeights: readonly number[];
  /** total excitatory count per 100 ms: E ~ U[lo, hi] */
  excCount: readonly [number, number];
  /** inhibitory count per 100 ms: I ~ U[max(0, E + lo), E + hi] */
  inhDelta: readonly [number, number];
}

export interface PatternGeneratorConfig {
  /** name of the preset this config came from (stored with datasets) */
  preset: string;
  nExc: number;
  nInh: number;
  groups: SynapseGroup[];
  holdOptionsMs: number[];
  sigmaOptionsMs: number[];
  /** hold and σ get trunc(U[−jitter, jitter)) added */
  jitterMs: number;
  /** range of the per-synapse, per-interval multiplicative noise */
  noise: readonly [number, number];
  /** value that replaces a negative drawn inhibitory count */
  negativeCountFloor: number;
}

/** The random parameters drawn for one trial (stored next to its spikes). */
export interface PatternParams {
  holdMs: number;
  sigmaMs: number;
  nIntervals: number;
  /** per interval, per group (row-major [nIntervals, nGroups]), spikes per 100 ms */
  excCounts: Float64Array;
  inhCounts: Float64Array;
}

export interface InputPattern {
  durationMs: number;
  nExc: number;
  nInh: number;
  exc: SpikeTrain;
  inh: SpikeTrain;
  /** spikes of bin t are exc.ids[excOffsets[t] .. excOffsets[t+1]) (length T+1) */
  excOffsets: Int32Array;
  inhOffsets: Int32Array;
  params: PatternParams;
}

const COUNT_WINDOW_MS = 100;

/** Throws a message naming the first inconsistency of a generator config. */
export function validatePatternConfig(config: PatternGeneratorConfig): void {
  const fail = (msg: string): never => {
    throw new RangeError(`input generator '${config.preset}': ${msg}`);
  };
  if (!Number.isInteger(config.nExc) || config.nExc < 0) fail(`nExc must be a non-negative integer`);
  if (!Number.isInteger(config.nInh) || config.nInh < 0) fail(`nInh must be a non-negative integer`);
  if (config.groups.length === 0) fail('at least one synapse group is required');
  if (config.holdOptionsMs.length === 0 || config.sigmaOptionsMs.length === 0)
    fail('hold and sigma options must be non-empty');
  if (!(config.jitterMs >= 0)) fail('jitterMs must be >= 0');
  const minJittered = (options: number[]): number =>
    Math.min(...options) - Math.max(0, Math.ceil(config.jitterMs) - 1);
  if (minJittered(config.holdOptionsMs) < 1) fail('every hold option minus the jitter must be >= 1 ms');
  if (minJittered(config.sigmaOptionsMs) <= 0) fail('every sigma option minus the jitter must be > 0 ms');
  const [nLo, nHi] = config.noise;
  if (!(nLo >= 0 && nHi >= nLo)) fail('noise range must satisfy 0 <= lo <= hi');
  const seenExc = new Uint8Array(config.nExc);
  const seenInh = new Uint8Array(config.nInh);
  for (const g of config.groups) {
    checkMembers(g.name, 'exc', g.excIds, g.excWeights, seenExc, fail);
    checkMembers(g.name, 'inh', g.inhIds, g.inhWeights, seenInh, fail);
    if (!(g.excCount[0] >= 0 && g.excCount[1] >= g.excCount[0]))
      fail(`group '${g.name}': excCount must be 0 <= lo <= hi`);
    if (!(g.inhDelta[1] >= g.inhDelta[0])) fail(`group '${g.name}': inhDelta must be lo <= hi`);
  }
  if (seenExc.includes(0)) fail(`excitatory synapse ${seenExc.indexOf(0)} belongs to no group`);
  if (seenInh.includes(0)) fail(`inhibitory synapse ${seenInh.indexOf(0)} belongs to no group`);
}

function checkMembers(
  group: string,
  kind: string,
  ids: readonly number[],
  weights: readonly number[],
  seen: Uint8Array,
  fail: (msg: string) => never,
): void {
  if (ids.length !== weights.length) fail(`group '${group}': ${kind} ids and weights differ in length`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= seen.length)
      fail(`group '${group}': ${kind} id ${id} out of range`);
    if (seen[id]) fail(`${kind} synapse ${id} is in more than one group`);
    seen[id] = 1;
    if (!(weights[i] > 0) || !Number.isFinite(weights[i]))
      fail(`group '${group}': ${kind} weight of ${id} must be > 0`);
  }
}

/** trunc(U[−J, J)): J = 20 gives −19..19, with 0 twice as likely (§8.1). */
function jitter(rng: Rng, j: number): number {
  return j > 0 ? Math.trunc(rng.uniformRange(-j, j)) : 0;
}

/** Steps 1–2: hold, σ and per-interval counts. */
export function drawPatternParams(
  config: PatternGeneratorConfig,
  durationMs: number,
  rng: Rng,
): PatternParams {
  const holdMs =
    config.holdOptionsMs[rng.uniformInt(config.holdOptionsMs.length)] + jitter(rng, config.jitterMs);
  const sigmaMs =
    config.sigmaOptionsMs[rng.uniformInt(config.sigmaOptionsMs.length)] + jitter(rng, config.jitterMs);
  const nIntervals = Math.ceil(durationMs / holdMs);
  const nGroups = config.groups.length;
  const excCounts = new Float64Array(nIntervals * nGroups);
  const inhCounts = new Float64Array(nIntervals * nGroups);
  for (let m = 0; m < nIntervals; m++) {
    for (let g = 0; g < nGroups; g++) {
      const group = config.groups[g];
      const e = rng.uniformRange(group.excCount[0], group.excCount[1]);
      let i = rng.uniformRange(Math.max(0, e + group.inhDelta[0]), e + group.inhDelta[1]);
      if (i < 0) i = config.negativeCountFloor;
      excCounts[m * nGroups + g] = e;
      inhCounts[m * nGroups + g] = i;
    }
  }
  return { holdMs, sigmaMs, nIntervals, excCounts, inhCounts };
}

/** Per synapse: its group index and its weight divided by the group's weight sum. */
interface SynapseLayout {
  group: Int32Array;
  relWeight: Float64Array;
}

function layoutOf(config: PatternGeneratorConfig, kind: 'exc' | 'inh'): SynapseLayout {
  const n = kind === 'exc' ? config.nExc : config.nInh;
  const group = new Int32Array(n);
  const relWeight = new Float64Array(n);
  config.groups.forEach((g, gi) => {
    const ids = kind === 'exc' ? g.excIds : g.inhIds;
    const weights = kind === 'exc' ? g.excWeights : g.inhWeights;
    let sum = 0;
    for (const w of weights) sum += w;
    for (let i = 0; i < ids.length; i++) {
      group[ids[i]] = gi;
      relWeight[ids[i]] = weights[i] / sum;
    }
  });
  return { group, relWeight };
}

/** Smooths the interval rates of one or two synapses into per-bin rates, by whichever method is cheaper. */
interface RateSmoother {
  smooth(
    ratesA: Float64Array,
    ratesB: Float64Array | null,
    outA: Float64Array,
    outB: Float64Array | null,
  ): void;
}

/**
 * Draws input patterns for one config and trial length, reusing its buffers across trials (one
 * instance per worker). Rows are smoothed and sampled synapse by synapse (no [T × n] matrix is
 * held), then the spikes are put in time order by a counting sort.
 */
export class PatternGenerator {
  readonly config: PatternGeneratorConfig;
  readonly durationMs: number;
  private readonly excLayout: SynapseLayout;
  private readonly inhLayout: SynapseLayout;
  private readonly rowA: Float64Array;
  private readonly rowB: Float64Array;
  private readonly outA: Float64Array;
  private readonly outB: Float64Array;
  private readonly fftSmoothers = new Map<number, SameSizeSmoother>();
  private readonly windows = new Map<number, Float64Array>();

  constructor(config: PatternGeneratorConfig, durationMs: number) {
    validatePatternConfig(config);
    if (!Number.isInteger(durationMs) || durationMs <= 0) {
      throw new RangeError(
        `trial duration must be a positive integer number of ms, got ${String(durationMs)}`,
      );
    }
    this.config = config;
    this.durationMs = durationMs;
    this.excLayout = layoutOf(config, 'exc');
    this.inhLayout = layoutOf(config, 'inh');
    this.rowA = new Float64Array(durationMs);
    this.rowB = new Float64Array(durationMs);
    this.outA = new Float64Array(durationMs);
    this.outB = new Float64Array(durationMs);
  }

  /** One trial's pattern from its seed. */
  generate(seed: number): InputPattern {
    const rng = new Rng(seed);
    const params = drawPatternParams(this.config, this.durationMs, rng);
    const excNoise = this.drawNoise(rng, this.config.nExc, params.nIntervals);
    const inhNoise = this.drawNoise(rng, this.config.nInh, params.nIntervals);
    const smoother = this.smootherFor(params);
    const exc = new SpikeCollector();
    const inh = new SpikeCollector();
    this.forEachSmoothedRow(params, params.excCounts, excNoise, this.excLayout, smoother, (k, rho) =>
      exc.sampleRow(rng, k, rho),
    );
    this.forEachSmoothedRow(params, params.inhCounts, inhNoise, this.inhLayout, smoother, (k, rho) =>
      inh.sampleRow(rng, k, rho),
    );
    const excSorted = exc.byTime(this.durationMs);
    const inhSorted = inh.byTime(this.durationMs);
    return {
      durationMs: this.durationMs,
      nExc: this.config.nExc,
      nInh: this.config.nInh,
      exc: excSorted.spikes,
      inh: inhSorted.spikes,
      excOffsets: excSorted.offsets,
      inhOffsets: inhSorted.offsets,
      params,
    };
  }

  /** Smoothed rate ρ̂ (spikes/ms) of every synapse, as [n, T] rows; for statistics and tests. */
  expectedRates(
    seed: number,
    method?: 'fft' | 'step',
  ): { exc: Float64Array; inh: Float64Array; params: PatternParams } {
    const rng = new Rng(seed);
    const T = this.durationMs;
    const params = drawPatternParams(this.config, T, rng);
    const excNoise = this.drawNoise(rng, this.config.nExc, params.nIntervals);
    const inhNoise = this.drawNoise(rng, this.config.nInh, params.nIntervals);
    const smoother = this.smootherFor(params, method);
    const rows = (
      counts: Float64Array,
      noise: Float64Array,
      layout: SynapseLayout,
      n: number,
    ): Float64Array => {
      const out = new Float64Array(n * T);
      this.forEachSmoothedRow(params, counts, noise, layout, smoother, (k, rho) => out.set(rho, k * T));
      return out;
    };
    return {
      exc: rows(params.excCounts, excNoise, this.excLayout, this.config.nExc),
      inh: rows(params.inhCounts, inhNoise, this.inhLayout, this.config.nInh),
      params,
    };
  }

  private drawNoise(rng: Rng, n: number, nIntervals: number): Float64Array {
    const [lo, hi] = this.config.noise;
    const noise = new Float64Array(n * nIntervals);
    for (let i = 0; i < noise.length; i++) noise[i] = rng.uniformRange(lo, hi);
    return noise;
  }

  private windowFor(sigmaMs: number): Float64Array {
    let w = this.windows.get(sigmaMs);
    if (!w) {
      w = gaussianWindow(sigmaMs);
      this.windows.set(sigmaMs, w);
    }
    return w;
  }

  /** The cheaper exact method for this trial's σ and hold interval (or the one asked for). */
  private smootherFor(params: PatternParams, method?: 'fft' | 'step'): RateSmoother {
    const T = this.durationMs;
    const window = this.windowFor(params.sigmaMs);
    const useStep = method
      ? method === 'step'
      : StepSmoother.cost(T, window.length, params.holdMs) <= SameSizeSmoother.cost(T, window.length);
    if (useStep) {
      const step = new StepSmoother(T, window, params.holdMs);
      return {
        smooth: (ra, rb, oa, ob) => {
          step.smooth(ra, oa);
          if (rb && ob) step.smooth(rb, ob);
        },
      };
    }
    let fft = this.fftSmoothers.get(params.sigmaMs);
    if (!fft) {
      fft = new SameSizeSmoother(T, window);
      this.fftSmoothers.set(params.sigmaMs, fft);
    }
    const smoother = fft;
    const H = params.holdMs;
    const expand = (rates: Float64Array, row: Float64Array): void => {
      for (let t = 0; t < T; t++) row[t] = rates[(t / H) | 0];
    };
    return {
      smooth: (ra, rb, oa, ob) => {
        expand(ra, this.rowA);
        if (rb) expand(rb, this.rowB);
        smoother.smoothPair(this.rowA, rb ? this.rowB : null, oa, ob);
      },
    };
  }

  /** Interval rates of synapse k (spikes/ms): count/(100·S)·u·w, into `rates` (length M). */
  private intervalRates(
    params: PatternParams,
    counts: Float64Array,
    noise: Float64Array,
    layout: SynapseLayout,
    k: number,
    rates: Float64Array,
  ): void {
    const nGroups = this.config.groups.length;
    const g = layout.group[k];
    const scale = layout.relWeight[k] / COUNT_WINDOW_MS;
    const M = params.nIntervals;
    for (let m = 0; m < M; m++) rates[m] = counts[m * nGroups + g] * scale * noise[k * M + m];
  }

  private forEachSmoothedRow(
    params: PatternParams,
    counts: Float64Array,
    noise: Float64Array,
    layout: SynapseLayout,
    smoother: RateSmoother,
    visit: (k: number, rho: Float64Array) => void,
  ): void {
    const n = layout.group.length;
    const ratesA = new Float64Array(params.nIntervals);
    const ratesB = new Float64Array(params.nIntervals);
    for (let k = 0; k < n; k += 2) {
      const pair = k + 1 < n;
      this.intervalRates(params, counts, noise, layout, k, ratesA);
      if (pair) this.intervalRates(params, counts, noise, layout, k + 1, ratesB);
      smoother.smooth(ratesA, pair ? ratesB : null, this.outA, pair ? this.outB : null);
      visit(k, this.outA);
      if (pair) visit(k + 1, this.outB);
    }
  }
}

/** Spikes sampled synapse by synapse, then ordered by time (ids ascending within a bin). */
class SpikeCollector {
  private readonly times = new GrowableInt32(4096);
  private readonly ids = new GrowableInt32(4096);

  /** One Bernoulli draw per bin with q = ρ(1 − e^{−1/ρ}) (§8.5). */
  sampleRow(rng: Rng, id: number, rho: Float64Array): void {
    for (let t = 0; t < rho.length; t++) {
      if (rng.bernoulli(spikeProbability(rho[t]))) {
        this.times.push(t);
        this.ids.push(id);
      }
    }
  }

  byTime(durationMs: number): { spikes: SpikeTrain; offsets: Int32Array } {
    const n = this.times.length;
    const times = this.times.toArray();
    const ids = this.ids.toArray();
    const offsets = new Int32Array(durationMs + 1);
    for (let i = 0; i < n; i++) offsets[times[i] + 1]++;
    for (let t = 0; t < durationMs; t++) offsets[t + 1] += offsets[t];
    const next = offsets.slice(0, durationMs);
    const sortedTimes = new Int32Array(n);
    const sortedIds = new Int32Array(n);
    // rows were visited in ascending id, so a stable placement keeps ids ascending within a bin
    for (let i = 0; i < n; i++) {
      const at = next[times[i]]++;
      sortedTimes[at] = times[i];
      sortedIds[at] = ids[i];
    }
    return { spikes: { times: sortedTimes, ids: sortedIds }, offsets };
  }
}

/**
 * P(spike in a bin) for smoothed rate ρ: E[min(p, 1)] with p ~ Exp(mean ρ) = ρ(1 − e^{−1/ρ}).
 * Below ρ = 1/40, e^{−1/ρ} < 2^−57 and the product rounds to ρ itself, so the exp is skipped.
 */
export function spikeProbability(rho: number): number {
  if (rho < 0.025) return rho;
  return rho * (1 - Math.exp(-1 / rho));
}

/** The generator parameters of a trial as a JSON-serialisable record (for Trial.generator). */
export function paramsRecord(config: PatternGeneratorConfig, params: PatternParams): DrawnInputRecord {
  return {
    preset: config.preset,
    groups: config.groups.map((g) => g.name),
    holdMs: params.holdMs,
    sigmaMs: params.sigmaMs,
    nIntervals: params.nIntervals,
    excCounts: Array.from(params.excCounts),
    inhCounts: Array.from(params.inhCounts),
  };
}
