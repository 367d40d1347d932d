/**
 * The dashboard's running figures, fed chunk by chunk in uneven pieces, against the same figures
 * computed at once from the whole record (AUC by the evaluation code, RMSE and coincidences by hand).
 */
import { describe, it, expect } from '@jest/globals';
import { RunningFigures, COINCIDENCE_BINS } from '../../../clients/web/src/running-figures.js';
import { SessionRecord } from '../../../clients/web/src/session-record.js';
import { FIRST_SCORED_BIN, clippedSoma } from '../../../src/core/conventions.js';
import { rocAuc, rocCurve } from '../../../src/surrogate/metrics.js';
import { Rng } from '../../../src/core/rng.js';
import type { OutputChunkMsg } from '../../../clients/sdk/index.js';

const T = 3000;

function chunk(
  source: 'SURROGATE' | 'REFERENCE',
  firstBin: number,
  v: number[],
  p: number[],
  s: number[],
): OutputChunkMsg {
  return { source, firstBin, voltage: v, spikeProb: p, spike: s, referenceLagBins: 0 };
}

describe('RunningFigures', () => {
  const rng = new Rng(9);
  const refV = Array.from({ length: T }, () => -70 + 20 * rng.uniform());
  const surV = refV.map((v) => v + 2 * (rng.uniform() - 0.5));
  const refS: number[] = Array.from({ length: T }, () => (rng.uniform() < 0.01 ? 1 : 0));
  // the twin spikes near most reference spikes (shifted by up to ±3 bins) plus a few strays
  const surS = new Array<number>(T).fill(0);
  refS.forEach((s, k) => {
    if (s && rng.uniform() < 0.8) surS[Math.min(T - 1, Math.max(0, k + rng.uniformInt(7) - 3))] = 1;
  });
  for (let i = 0; i < 5; i++) surS[rng.uniformInt(T)] = 1;
  const surP = refS.map((s) => (s ? 0.3 + 0.7 * rng.uniform() : 0.6 * rng.uniform()));

  it('agrees with the figures of the whole record, however the chunks arrive', () => {
    const record = new SessionRecord(4, 2);
    const figures = new RunningFigures(record, 'half-bin-offset');
    let s = 0;
    let r = 0;
    while (s < T || r < T) {
      const ns = Math.min(T - s, 1 + rng.uniformInt(170));
      if (ns > 0)
        record.addOutput(
          chunk('SURROGATE', s, surV.slice(s, s + ns), surP.slice(s, s + ns), surS.slice(s, s + ns)),
        );
      s += ns;
      const nr = Math.min(T - r, 1 + rng.uniformInt(90));
      if (nr > 0) record.addOutput(chunk('REFERENCE', r, refV.slice(r, r + nr), [], refS.slice(r, r + nr)));
      r += nr;
      figures.update();
    }
    figures.recomputeAuc();
    const f = figures.figures();

    expect(f.alignedBins).toBe(T);
    expect(f.surrogateSpikes).toBe(surS.reduce((a, b) => a + b, 0));
    expect(f.referenceSpikes).toBe(refS.reduce((a, b) => a + b, 0));
    let se = 0;
    for (let k = FIRST_SCORED_BIN; k < T; k++) {
      se += (clippedSoma(surV[k], 'half-bin-offset') - clippedSoma(refV[k], 'half-bin-offset')) ** 2;
    }
    expect(f.rmse).toBeCloseTo(Math.sqrt(se / (T - FIRST_SCORED_BIN)), 3);
    const expectedAuc = rocAuc(
      rocCurve(
        Float32Array.from(surP.slice(FIRST_SCORED_BIN)),
        Uint8Array.from(refS.slice(FIRST_SCORED_BIN)),
      ),
    );
    expect(f.auc).toBeCloseTo(expectedAuc, 6);

    // one-to-one greedy matching over the reference spikes whose window is complete
    const used = new Set<number>();
    let matched = 0;
    let checked = 0;
    for (let k = 0; k < T - COINCIDENCE_BINS; k++) {
      if (!refS[k]) continue;
      checked++;
      for (let j = k - COINCIDENCE_BINS; j <= k + COINCIDENCE_BINS; j++) {
        if (j >= 0 && surS[j] && !used.has(j) && ![...used].some((u) => u > j)) {
          used.add(j);
          matched++;
          break;
        }
      }
    }
    expect(f.coincidenceChecked).toBe(checked);
    expect(f.coincident).toBe(matched);
    expect(matched).toBeGreaterThan(0);
    expect(matched).toBeLessThan(checked);
  });

  it('reports no AUC or RMSE before the first scored bin', () => {
    const record = new SessionRecord(1, 1);
    const figures = new RunningFigures(record, 'spike-bin');
    record.addOutput(chunk('SURROGATE', 0, [-70, -60], [0.1, 0.9], [0, 1]));
    record.addOutput(chunk('REFERENCE', 0, [-70, -60], [], [0, 1]));
    figures.update();
    figures.recomputeAuc();
    expect(figures.figures()).toMatchObject({ alignedBins: 2, auc: null, rmse: null, referenceSpikes: 1 });
  });

  it('refuses a chunk that skips bins', () => {
    const record = new SessionRecord(1, 1);
    expect(() => record.addOutput(chunk('REFERENCE', 3, [-70], [], [0]))).toThrow(
      'REFERENCE chunk starts at bin 3, expected 0',
    );
  });
});
