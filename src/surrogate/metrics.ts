import type { ModelMetrics } from '../core/manifest.js';
import { FIRST_SCORED_BIN } from '../core/conventions.js';

/**
 * Scoring as in the paper (spec §10). ROC quantities are computed exactly from the sorted scores:
 * bins with equal scores form one ROC step, so ties are handled by a straight segment.
 */

export interface RocPoints {
  /** false/true positive rates at each distinct threshold, starting at (0, 0) and ending at (1, 1) */
  fpr: Float64Array;
  tpr: Float64Array;
  /** threshold of each point: predict positive when score >= threshold (Infinity for the first) */
  thresholds: Float64Array;
}

export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoints {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`scores (${n}) and labels (${labels.length}) differ in length`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`score ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`label ${i} is ${labels[i]}, expected 0 or 1`);
    pos += labels[i];
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0)
    throw new Error(`ROC needs both classes (got ${pos} positive and ${neg} negative bins)`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);
  const fpr = [0];
  const tpr = [0];
  const thr = [Infinity];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n;) {
    const s = scores[order[i]];
    while (i < n && scores[order[i]] === s) {
      if (labels[order[i]] === 1) tp++;
      else fp++;
      i++;
    }
    fpr.push(fp / neg);
    tpr.push(tp / pos);
    thr.push(s);
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thr) };
}

/** Area under the ROC by the trapezoid rule over its points (ties give a diagonal segment). */
export function rocAuc(roc: RocPoints): number {
  let area = 0;
  for (let i = 1; i < roc.fpr.length; i++)
    area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
  return area;
}

/**
 * TPR at FPR `target`: the TPR of the most permissive threshold whose FPR still does not exceed the
 * target, i.e. the highest TPR among ROC vertices with FPR <= target (the recommended definition of
 * spec §10.3, not the reference code's nearest-vertex rule). 0 if even the highest score exceeds it.
 */
export function tprAtFpr(roc: RocPoints, target: number): number {
  let best = 0;
  for (let i = 0; i < roc.fpr.length; i++) {
    if (roc.fpr[i] <= target) best = roc.tpr[i];
    else break;
  }
  return best;
}

export interface ScoredTrial {
  /** per-bin spike probability (or any monotone score) */
  spikeScore: ArrayLike<number>;
  /** per-bin predicted voltage (any offset/gain; moment matching removes it) */
  voltage: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** per-bin voltage target (clipped soma, mV) */
  voltageTarget: ArrayLike<number>;
}

/** The figures of spec §10, as recorded in a model manifest. */
export type EvaluationMetrics = ModelMetrics;

export interface ScoringOptions {
  firstBin?: number;
  minSpikes?: number;
  maxSpikes?: number;
}

/**
 * §10: trials with minSpikes..maxSpikes labelled spikes (0..24), bins >= 500, pooled. The voltage
 * prediction is moment-matched to the target with means/stds over all trials and all bins (before
 * the filtering), then RMSE and explained variance 1 - Var(residual)/Var(target) over scored bins.
 */
export function evaluatePredictions(
  trials: readonly ScoredTrial[],
  opts: ScoringOptions = {},
): EvaluationMetrics {
  const firstBin = opts.firstBin ?? FIRST_SCORED_BIN;
  const minSpikes = opts.minSpikes ?? 0;
  const maxSpikes = opts.maxSpikes ?? 24;
  if (trials.length === 0) throw new Error('no trials to evaluate');

  const pred = new Moments();
  const truth = new Moments();
  for (const [i, t] of trials.entries()) {
    const n = t.labels.length;
    if (t.spikeScore.length !== n || t.voltage.length !== n || t.voltageTarget.length !== n)
      throw new Error(`trial ${i}: prediction and target lengths differ`);
    for (let k = 0; k < n; k++) {
      pred.add(t.voltage[k]);
      truth.add(t.voltageTarget[k]);
    }
  }
  const gain = pred.std() > 0 ? truth.std() / pred.std() : 0;

  const selected = trials.filter((t) => {
    let s = 0;
    for (let k = 0; k < t.labels.length; k++) s += t.labels[k];
    return s >= minSpikes && s <= maxSpikes;
  });
  let bins = 0;
  for (const t of selected) bins += Math.max(t.labels.length - firstBin, 0);
  if (bins === 0)
    throw new Error(
      `no scored bins: ${selected.length} of ${trials.length} trials have ${minSpikes}..${maxSpikes} spikes and bins >= ${firstBin}`,
    );

  const scores = new Float64Array(bins);
  const labels = new Uint8Array(bins);
  const resid = new Moments();
  const target = new Moments();
  let sq = 0;
  let o = 0;
  for (const t of selected) {
    for (let k = firstBin; k < t.labels.length; k++, o++) {
      scores[o] = t.spikeScore[k];
      labels[o] = t.labels[k];
      const yHat = (t.voltage[k] - pred.mean()) * gain + truth.mean();
      const r = t.voltageTarget[k] - yHat;
      resid.add(r);
      target.add(t.voltageTarget[k]);
      sq += r * r;
    }
  }
  const roc = rocCurve(scores, labels);
  return {
    spikeAuc: rocAuc(roc),
    tprAtFpr0p1: tprAtFpr(roc, 0.001),
    tprAtFpr1: tprAtFpr(roc, 0.01),
    somaRmse: Math.sqrt(sq / bins),
    explainedVariance: target.variance() > 0 ? 1 - resid.variance() / target.variance() : NaN,
    scoredTrials: selected.length,
    scoredBins: bins,
  };
}

/** Running mean/variance (Welford), stable over millions of bins. */
class Moments {
  private n = 0;
  private m = 0;
  private s = 0;
  add(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
  }
  mean(): number {
    return this.m;
  }
  variance(): number {
    return this.n > 0 ? this.s / this.n : 0;
  }
  std(): number {
    return Math.sqrt(this.variance());
  }
}

/**
 * Lowest score threshold whose FPR stays <= target (predict a spike when score >= threshold); used
 * for the streamed spike flag (§10.3: FPR 0.2 % on validation data).
 */
export function thresholdAtFpr(roc: RocPoints, target: number): number {
  let thr = Infinity;
  for (let i = 0; i < roc.fpr.length; i++) {
    if (roc.fpr[i] <= target) thr = roc.thresholds[i];
    else break;
  }
  return thr;
}

/** Pools the scored bins of trials (same filter as evaluatePredictions) into scores/labels. */
export function pooledSpikeScores(
  trials: readonly ScoredTrial[],
  opts: ScoringOptions = {},
): { scores: Float64Array; labels: Uint8Array } {
  const firstBin = opts.firstBin ?? FIRST_SCORED_BIN;
  const scores: number[] = [];
  const labels: number[] = [];
  for (const t of trials) {
    let s = 0;
    for (let k = 0; k < t.labels.length; k++) s += t.labels[k];
    if (s < (opts.minSpikes ?? 0) || s > (opts.maxSpikes ?? 24)) continue;
    for (let k = firstBin; k < t.labels.length; k++) {
      scores.push(t.spikeScore[k]);
      labels.push(t.labels[k]);
    }
  }
  return { scores: Float64Array.from(scores), labels: Uint8Array.from(labels) };
}
