import { describe, it, expect } from '@jest/globals';
import { matchSpikes, maxAbsDiff, relativeMaxDiff, subthresholdMeanAbsDiff } from './compare.js';

describe('comparison figures', () => {
  it('max and relative differences', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(relativeMaxDiff([1, 2, 3], [1, 2, 4])).toBe(0.25);
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(/lengths differ/);
  });

  it('subthreshold mean skips samples where either trace is above the ceiling', () => {
    const r = subthresholdMeanAbsDiff([-70, -60, 10, -70], [-71, 20, 15, -69], -55);
    expect(r.samples).toBe(2);
    expect(r.mean).toBe(1);
  });

  it('pairs spikes one-to-one within the tolerance and counts the rest', () => {
    const m = matchSpikes([10.2, 20, 31, 40.1], [10, 25, 40], 0.5);
    expect(m.matched).toBe(2);
    expect(m.extra).toBe(2); // 20 and 31
    expect(m.missing).toBe(1); // 25
    expect(m.maxLag).toBeCloseTo(0.2, 12);
    expect(m.meanLag).toBeCloseTo(0.15, 12); // (+0.2 + 0.1) / 2
    expect(m.meanAbsLag).toBeCloseTo(0.15, 12);
    const early = matchSpikes([9.8, 20.1], [10, 20], 0.5);
    expect(early.meanLag).toBeCloseTo(-0.05, 12);
    expect(early.meanAbsLag).toBeCloseTo(0.15, 12);
    // two test spikes near one reference spike: only one may match
    const twice = matchSpikes([10, 10.3], [10.1], 0.5);
    expect([twice.matched, twice.extra, twice.missing]).toEqual([1, 1, 0]);
  });
});
