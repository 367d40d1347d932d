import { describe, it, expect } from '@jest/globals';
import {
  evaluatePredictions,
  rocAuc,
  rocCurve,
  thresholdAtFpr,
  tprAtFpr,
  type ScoredTrial,
} from '../../../src/surrogate/metrics.js';
import { Rng } from '../../../src/core/rng.js';

/** Mann–Whitney form of the AUC: P(score_pos > score_neg) + 0.5 P(equal), over all pairs. */
function slowAuc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** Brute force over every candidate threshold: best TPR with FPR <= target. */
function slowTprAtFpr(scores: number[], labels: number[], target: number): number {
  const pos = labels.filter((l) => l === 1).length;
  const neg = labels.length - pos;
  let best = 0;
  for (const thr of new Set(scores)) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s >= thr && labels[i] === 1) tp++;
      else if (s >= thr) fp++;
    });
    if (fp / neg <= target) best = Math.max(best, tp / pos);
  }
  return best;
}

function randomCase(seed: number, n: number): { scores: number[]; labels: number[] } {
  const rng = new Rng(seed);
  const labels = Array.from({ length: n }, () => (rng.uniform() < 0.2 ? 1 : 0));
  labels[0] = 1;
  labels[1] = 0;
  // coarse rounding makes many ties, positives shifted up so the AUC is far from 0.5
  const scores = labels.map((l) => Math.round((rng.uniform() + 0.4 * l) * 20) / 20);
  return { scores, labels };
}

describe('ROC metrics', () => {
  it('matches hand-computed AUCs, ties included', () => {
    expect(rocAuc(rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]))).toBeCloseTo(0.75, 12);
    // pairs: (0.9>0.5), (0.9>0.1), (0.5=0.5 -> 1/2), (0.5>0.1): 3.5 / 4
    expect(rocAuc(rocCurve([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]))).toBeCloseTo(0.875, 12);
    expect(rocAuc(rocCurve([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]))).toBeCloseTo(0.5, 12);
    expect(rocAuc(rocCurve([0.2, 0.1], [1, 0]))).toBe(1);
  });

  it('TPR at FPR and the threshold on a hand example', () => {
    // sorted: 0.9(+) 0.8(-) 0.7(+) 0.6(+) 0.5(-) 0.4(-) 0.3(-) 0.2(-) 0.1(-) 0.05(-)  pos 3, neg 7
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const labels = [1, 0, 1, 1, 0, 0, 0, 0, 0, 0];
    const roc = rocCurve(scores, labels);
    expect(tprAtFpr(roc, 0.1)).toBeCloseTo(1 / 3, 12); // fpr 1/7 > 0.1 once 0.8 is included
    expect(tprAtFpr(roc, 0.15)).toBeCloseTo(1, 12); // 0.6 threshold: fpr 1/7, tpr 3/3
    expect(thresholdAtFpr(roc, 0.15)).toBe(0.6);
    expect(thresholdAtFpr(roc, 0.1)).toBe(0.9);
    expect(tprAtFpr(rocCurve([0.5, 0.5], [1, 0]), 0.1)).toBe(0);
  });

  it('agrees with slow independent implementations on random tied data', () => {
    for (const seed of [1, 2, 3]) {
      const { scores, labels } = randomCase(seed, 400);
      const roc = rocCurve(scores, labels);
      expect(rocAuc(roc)).toBeCloseTo(slowAuc(scores, labels), 10);
      for (const target of [0.001, 0.01, 0.05, 0.2])
        expect(tprAtFpr(roc, target)).toBeCloseTo(slowTprAtFpr(scores, labels, target), 12);
    }
  });

  it('rejects inputs it cannot score', () => {
    expect(() => rocCurve([0.1, 0.2], [1, 1])).toThrow(/both classes/);
    expect(() => rocCurve([0.1], [1, 0])).toThrow(/length/);
    expect(() => rocCurve([NaN, 0.2], [1, 0])).toThrow(/NaN/);
    expect(() => rocCurve([0.1, 0.2], [2, 0])).toThrow(/0 or 1/);
  });
});

describe('evaluatePredictions (spec §10)', () => {
  function trial(
    rng: Rng,
    T: number,
    spikes: number[],
    gain: number,
    offset: number,
    noise: number,
  ): ScoredTrial {
    const labels = new Uint8Array(T);
    for (const s of spikes) labels[s] = 1;
    const target = new Float64Array(T);
    const voltage = new Float64Array(T);
    const score = new Float64Array(T);
    for (let k = 0; k < T; k++) {
      target[k] = -70 + 5 * Math.sin(k / 37) + rng.normal();
      voltage[k] = gain * target[k] + offset + noise * rng.normal();
      score[k] = labels[k] ? 0.5 + 0.5 * rng.uniform() : 0.6 * rng.uniform();
    }
    return { labels, voltageTarget: target, voltage, spikeScore: score };
  }

  it('moment matching removes gain and offset: an affine prediction scores RMSE 0 and EV 1', () => {
    const rng = new Rng(5);
    const trials = [trial(rng, 900, [600, 700], 3, 12, 0), trial(rng, 900, [800], 3, 12, 0)];
    const m = evaluatePredictions(trials);
    expect(m.somaRmse).toBeLessThan(1e-9);
    expect(m.explainedVariance).toBeCloseTo(1, 9);
    expect(m.scoredTrials).toBe(2);
    expect(m.scoredBins).toBe(800);
  });

  it('filters trials by spike count and bins before 500, moments over everything (slow check)', () => {
    const rng = new Rng(9);
    const many = Array.from({ length: 30 }, (_, i) => 520 + 10 * i); // 30 spikes: dropped
    const trials = [
      trial(rng, 1000, [100, 650, 900], 0.5, -30, 0.8),
      trial(rng, 1000, many, 0.5, -30, 0.8),
      trial(rng, 1000, [510], 0.5, -30, 0.8),
    ];
    const m = evaluatePredictions(trials);

    // independent computation with plain arrays
    const all = trials.flatMap((t) => Array.from(t.voltage as Float64Array));
    const allY = trials.flatMap((t) => Array.from(t.voltageTarget as Float64Array));
    const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
    const sd = (a: number[]): number => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)));
    const [mp, sp, my, sy] = [mean(all), sd(all), mean(allY), sd(allY)];
    const kept = [trials[0], trials[2]];
    const resid: number[] = [];
    const ys: number[] = [];
    const sc: number[] = [];
    const lb: number[] = [];
    for (const t of kept) {
      for (let k = 500; k < 1000; k++) {
        const y = (t.voltageTarget as Float64Array)[k];
        resid.push(y - (((t.voltage as Float64Array)[k] - mp) * sy) / sp - my);
        ys.push(y);
        sc.push((t.spikeScore as Float64Array)[k]);
        lb.push(t.labels[k] as number);
      }
    }
    const rmse = Math.sqrt(mean(resid.map((r) => r * r)));
    const ev = 1 - sd(resid) ** 2 / sd(ys) ** 2;
    expect(m.scoredTrials).toBe(2);
    expect(m.scoredBins).toBe(1000);
    expect(m.somaRmse).toBeCloseTo(rmse, 9);
    expect(m.explainedVariance).toBeCloseTo(ev, 9);
    expect(m.spikeAuc).toBeCloseTo(slowAuc(sc, lb), 10);
    expect(m.somaRmse).toBeGreaterThan(0.1);
  });
});
