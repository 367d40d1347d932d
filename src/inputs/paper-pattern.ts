import type { SparseSpikes } from '../dataset/trial.js';
import { GrowableInt32 } from './growable.js';
import { Rng } from './rng.js';
import { gaussianWindow, SameSizeSmoother } from './smoothing.js';

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
 *  5. per bin, in time order, excitatory then inhibitory synapses: a spike with probability
 *     q = ρ(1 − e^{−1/ρ}) (§8.5; the exponential-then-uniform draw of the reference, collapsed).
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
  exc: SparseSpikes;
  inh: SparseSpikes;
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

/**
 * Draws input patterns for one config and trial length, reusing its large buffers across trials
 * (one instance per worker).
 */
export class PatternGenerator {
  readonly config: PatternGeneratorConfig;
  readonly durationMs: number;
  private readonly excLayout: SynapseLayout;
  private readonly inhLayout: SynapseLayout;
  /** spike probabilities, time-major [T, n] so that sampling reads them in order */
  private readonly qExc: Float64Array;
  private readonly qInh: Float64Array;
  private readonly rowA: Float64Array;
  private readonly rowB: Float64Array;
  private readonly outA: Float64Array;
  private readonly outB: Float64Array;
  private readonly smoothers = new Map<number, SameSizeSmoother>();

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
    this.qExc = new Float64Array(durationMs * config.nExc);
    this.qInh = new Float64Array(durationMs * config.nInh);
    this.rowA = new Float64Array(durationMs);
    this.rowB = new Float64Array(durationMs);
    this.outA = new Float64Array(durationMs);
    this.outB = new Float64Array(durationMs);
  }

  /** One trial's pattern from its seed. */
  generate(seed: number): InputPattern {
    const rng = new Rng(seed);
    const T = this.durationMs;
    const params = drawPatternParams(this.config, T, rng);
    const excNoise = this.drawNoise(rng, this.config.nExc, params.nIntervals);
    const inhNoise = this.drawNoise(rng, this.config.nInh, params.nIntervals);
    const smoother = this.smootherFor(params.sigmaMs);
    this.fillProbabilities(params, params.excCounts, excNoise, this.excLayout, this.qExc, smoother);
    this.fillProbabilities(params, params.inhCounts, inhNoise, this.inhLayout, this.qInh, smoother);
    return this.sample(rng, params);
  }

  /** Smoothed rate ρ̂ (spikes/ms) of every synapse, as [n, T] rows; for statistics and tests. */
  expectedRates(seed: number): { exc: Float64Array; inh: Float64Array; params: PatternParams } {
    const rng = new Rng(seed);
    const T = this.durationMs;
    const params = drawPatternParams(this.config, T, rng);
    const excNoise = this.drawNoise(rng, this.config.nExc, params.nIntervals);
    const inhNoise = this.drawNoise(rng, this.config.nInh, params.nIntervals);
    const smoother = this.smootherFor(params.sigmaMs);
    const rows = (
      counts: Float64Array,
      noise: Float64Array,
      layout: SynapseLayout,
      n: number,
    ): Float64Array => {
      const out = new Float64Array(n * T);
      for (let k = 0; k < n; k++) {
        this.coarseRow(params, counts, noise, layout, k, this.rowA);
        smoother.smoothPair(this.rowA, null, this.outA, null);
        out.set(this.outA, k * T);
      }
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

  private smootherFor(sigmaMs: number): SameSizeSmoother {
    let s = this.smoothers.get(sigmaMs);
    if (!s) {
      s = new SameSizeSmoother(this.durationMs, gaussianWindow(sigmaMs));
      this.smoothers.set(sigmaMs, s);
    }
    return s;
  }

  /** Piecewise-constant rate of synapse k (spikes/ms): count/(100·S)·u·w over each interval. */
  private coarseRow(
    params: PatternParams,
    counts: Float64Array,
    noise: Float64Array,
    layout: SynapseLayout,
    k: number,
    row: Float64Array,
  ): void {
    const nGroups = this.config.groups.length;
    const g = layout.group[k];
    const scale = layout.relWeight[k] / COUNT_WINDOW_MS;
    const T = this.durationMs;
    const H = params.holdMs;
    for (let m = 0; m < params.nIntervals; m++) {
      const rate = counts[m * nGroups + g] * scale * noise[k * params.nIntervals + m];
      const end = Math.min(T, (m + 1) * H);
      for (let t = m * H; t < end; t++) row[t] = rate;
    }
  }

  private fillProbabilities(
    params: PatternParams,
    counts: Float64Array,
    noise: Float64Array,
    layout: SynapseLayout,
    q: Float64Array,
    smoother: SameSizeSmoother,
  ): void {
    const n = layout.group.length;
    const T = this.durationMs;
    for (let k = 0; k < n; k += 2) {
      const pair = k + 1 < n;
      this.coarseRow(params, counts, noise, layout, k, this.rowA);
      if (pair) this.coarseRow(params, counts, noise, layout, k + 1, this.rowB);
      smoother.smoothPair(this.rowA, pair ? this.rowB : null, this.outA, pair ? this.outB : null);
      for (let t = 0; t < T; t++) q[t * n + k] = spikeProbability(this.outA[t]);
      if (pair) for (let t = 0; t < T; t++) q[t * n + k + 1] = spikeProbability(this.outB[t]);
    }
  }

  private sample(rng: Rng, params: PatternParams): InputPattern {
    const T = this.durationMs;
    const { nExc, nInh } = this.config;
    const excTimes = new GrowableInt32(4096);
    const excIds = new GrowableInt32(4096);
    const inhTimes = new GrowableInt32(4096);
    const inhIds = new GrowableInt32(4096);
    const excOffsets = new Int32Array(T + 1);
    const inhOffsets = new Int32Array(T + 1);
    const qExc = this.qExc;
    const qInh = this.qInh;
    for (let t = 0; t < T; t++) {
      const be = t * nExc;
      for (let k = 0; k < nExc; k++) {
        if (rng.bernoulli(qExc[be + k])) {
          excTimes.push(t);
          excIds.push(k);
        }
      }
      const bi = t * nInh;
      for (let k = 0; k < nInh; k++) {
        if (rng.bernoulli(qInh[bi + k])) {
          inhTimes.push(t);
          inhIds.push(k);
        }
      }
      excOffsets[t + 1] = excTimes.length;
      inhOffsets[t + 1] = inhTimes.length;
    }
    return {
      durationMs: T,
      nExc,
      nInh,
      exc: { times: excTimes.toArray(), ids: excIds.toArray() },
      inh: { times: inhTimes.toArray(), ids: inhIds.toArray() },
      excOffsets,
      inhOffsets,
      params,
    };
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

/** Per-bin offsets (length T+1) of sparse spikes sorted by time. */
export function binOffsets(spikes: SparseSpikes, durationMs: number): Int32Array {
  const offsets = new Int32Array(durationMs + 1);
  for (let i = 0; i < spikes.times.length; i++) {
    const t = spikes.times[i];
    if (t < 0 || t >= durationMs || (i > 0 && t < spikes.times[i - 1])) {
      throw new RangeError(`spike ${i} at bin ${t} is out of order or outside [0, ${durationMs})`);
    }
    offsets[t + 1]++;
  }
  for (let t = 0; t < durationMs; t++) offsets[t + 1] += offsets[t];
  return offsets;
}

/** The generator parameters of a trial as a JSON-serialisable record (for Trial.generator). */
export function paramsRecord(config: PatternGeneratorConfig, params: PatternParams): Record<string, unknown> {
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
