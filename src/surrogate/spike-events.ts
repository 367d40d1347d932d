/**
 * Predicted spikes as events, not flagged bins. A surrogate's spike probability stays above any
 * useful threshold for a few bins around each spike, so "every bin over the threshold" counts one
 * spike several times. An event is the bin where the probability crosses the threshold upwards,
 * at least `refractoryBins` after the previous event (causal: a stream can emit it at once). The
 * threshold is calibrated on validation data so that the predicted spike count equals the
 * reference's.
 */
import { FIRST_SCORED_BIN } from '../core/conventions.js';

export interface SpikeEventRule {
  threshold: number;
  /** bins after an event in which no other event may start */
  refractoryBins: number;
}

/** The default dead time between predicted spikes, ms (shorter than the cells' fastest bursts). */
export const DEFAULT_REFRACTORY_MS = 3;

/** Bins of the events in one trace of probabilities. */
export function detectSpikeEvents(prob: ArrayLike<number>, rule: SpikeEventRule): Int32Array {
  const detector = new SpikeEventDetector(rule);
  const events: number[] = [];
  for (let k = 0; k < prob.length; k++) if (detector.step(prob[k])) events.push(k);
  return Int32Array.from(events);
}

/** The same rule bin by bin, for streams (one detector per stream; state survives chunk borders). */
export class SpikeEventDetector {
  private above = false;
  private sinceEvent = Infinity;

  constructor(readonly rule: SpikeEventRule) {
    checkRule(rule);
  }

  /** true when this bin starts a predicted spike */
  step(p: number): boolean {
    this.sinceEvent++;
    const wasAbove = this.above;
    this.above = p >= this.rule.threshold;
    if (this.above && !wasAbove && this.sinceEvent > this.rule.refractoryBins) {
      this.sinceEvent = 0;
      return true;
    }
    return false;
  }

  reset(): void {
    this.above = false;
    this.sinceEvent = Infinity;
  }
}

/**
 * The same rule for many streams stepped together (a population's neurons), their states in typed
 * arrays rather than one object each.
 */
export class SpikeEventBank {
  private readonly above: Uint8Array;
  private readonly sinceEvent: Float64Array;

  constructor(
    readonly rule: SpikeEventRule,
    readonly size: number,
  ) {
    checkRule(rule);
    this.above = new Uint8Array(size);
    this.sinceEvent = new Float64Array(size).fill(Infinity);
  }

  /** spikes[i] = 1 where stream i's probability of this bin starts a predicted spike, else 0 */
  step(prob: ArrayLike<number>, spikes: Uint8Array): void {
    const { threshold, refractoryBins } = this.rule;
    const { above, sinceEvent } = this;
    for (let i = 0; i < this.size; i++) {
      const since = sinceEvent[i] + 1;
      const wasAbove = above[i];
      const now = prob[i] >= threshold ? 1 : 0;
      above[i] = now;
      const starts = now === 1 && wasAbove === 0 && since > refractoryBins;
      sinceEvent[i] = starts ? 0 : since;
      spikes[i] = starts ? 1 : 0;
    }
  }
}

function checkRule(rule: SpikeEventRule): void {
  if (!(rule.threshold > 0 && rule.threshold <= 1))
    throw new RangeError(`spike threshold must be in (0, 1], got ${rule.threshold}`);
  if (!Number.isInteger(rule.refractoryBins) || rule.refractoryBins < 0)
    throw new RangeError(`refractory bins must be a non-negative integer, got ${rule.refractoryBins}`);
}

export interface EventTrial {
  spikeProb: ArrayLike<number>;
  /** 0/1 spike label per bin (the reference's spikes) */
  labels: ArrayLike<number>;
}

/**
 * The threshold at which the pooled number of events over `trials` (bins >= firstBin) is closest
 * to the number of labelled spikes there. Event counts fall as the threshold rises (up to the
 * rare case of two crossings merging into one), so a bisection over the sorted probabilities finds it.
 */
export function calibrateThreshold(
  trials: readonly EventTrial[],
  refractoryBins = DEFAULT_REFRACTORY_MS,
  firstBin = FIRST_SCORED_BIN,
): { threshold: number; predicted: number; reference: number } {
  let reference = 0;
  const candidates: number[] = [];
  for (const t of trials) {
    for (let k = firstBin; k < t.labels.length; k++) {
      reference += t.labels[k];
      candidates.push(t.spikeProb[k]);
    }
  }
  if (reference === 0) throw new Error('no reference spikes in the calibration trials');
  const sorted = Float64Array.from(new Set(candidates)).sort();
  const count = (threshold: number): number =>
    trials.reduce((n, t) => {
      const events = detectSpikeEvents(t.spikeProb, { threshold, refractoryBins });
      return n + events.filter((k) => k >= firstBin).length;
    }, 0);
  // lowest index whose threshold yields no more events than the reference
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (count(Math.max(sorted[mid], 1e-12)) > reference) lo = mid + 1;
    else hi = mid;
  }
  let best = Math.max(sorted[lo], 1e-12);
  let bestCount = count(best);
  if (lo > 0) {
    const below = Math.max(sorted[lo - 1], 1e-12);
    const c = count(below);
    if (Math.abs(c - reference) < Math.abs(bestCount - reference)) {
      best = below;
      bestCount = c;
    }
  }
  return { threshold: best, predicted: bestCount, reference };
}

export interface SpikeTimingMetrics {
  predictedSpikes: number;
  referenceSpikes: number;
  /** matched predicted / predicted, matched reference / reference (one-to-one within the tolerance) */
  precision: number;
  recall: number;
  toleranceMs: number;
}

/**
 * Precision and recall of predicted events against labelled spikes within ±tolerance bins,
 * matched one to one in time order (bins >= firstBin).
 */
export function spikeTiming(
  trials: readonly EventTrial[],
  rule: SpikeEventRule,
  toleranceBins = 2,
  firstBin = FIRST_SCORED_BIN,
): SpikeTimingMetrics {
  let predicted = 0;
  let reference = 0;
  let matched = 0;
  for (const t of trials) {
    const events = Array.from(detectSpikeEvents(t.spikeProb, rule)).filter((k) => k >= firstBin);
    const spikes: number[] = [];
    for (let k = firstBin; k < t.labels.length; k++) if (t.labels[k]) spikes.push(k);
    predicted += events.length;
    reference += spikes.length;
    let i = 0;
    let j = 0;
    while (i < events.length && j < spikes.length) {
      if (Math.abs(events[i] - spikes[j]) <= toleranceBins) {
        matched++;
        i++;
        j++;
      } else if (events[i] < spikes[j]) i++;
      else j++;
    }
  }
  return {
    predictedSpikes: predicted,
    referenceSpikes: reference,
    precision: predicted > 0 ? matched / predicted : 0,
    recall: reference > 0 ? matched / reference : 0,
    toleranceMs: toleranceBins,
  };
}
