/**
 * The dashboard's input sources: the paper source chains the generator's trials exactly, rate
 * sources hit their rates and bursts, a given file comes back bin for bin, bad knobs are refused.
 */
import { describe, it, expect } from '@jest/globals';
import {
  GivenSource,
  PaperSource,
  RateSource,
  SilenceSource,
  PAPER_TRIAL_MS,
} from '../../../clients/web/src/input-sources.js';
import { ifPaperInputs } from '../../../src/inputs/presets.js';
import { PatternGenerator } from '../../../src/inputs/paper-pattern.js';
import { parseInputsJson } from '../../../src/dataset/input-json.js';

const ids = (a: ArrayLike<number> | undefined): number[] => Array.from(a ?? []);

describe('input sources', () => {
  it('paper: bin k of trial b is the generator trial drawn from seed + b, across chunk edges', () => {
    const config = ifPaperInputs();
    const source = new PaperSource(config, PAPER_TRIAL_MS + 500, 40);
    const bins = [...source.bins(0, 5990), ...source.bins(5990, 510)];
    const gen = new PatternGenerator(config, PAPER_TRIAL_MS);
    for (const [b, seed] of [
      [0, 40],
      [1, 41],
    ]) {
      const p = gen.generate(seed);
      for (const t of [0, 17, 499]) {
        expect(ids(bins[b * PAPER_TRIAL_MS + t].exc)).toEqual(
          ids(p.exc.ids.subarray(p.excOffsets[t], p.excOffsets[t + 1])),
        );
        expect(ids(bins[b * PAPER_TRIAL_MS + t].inh)).toEqual(
          ids(p.inh.ids.subarray(p.inhOffsets[t], p.inhOffsets[t + 1])),
        );
      }
    }
  });

  it('poisson and bursts: spike counts near the rates, bursts where they belong', () => {
    const poisson = new RateSource({ nExc: 100, nInh: 50, durationMs: 2000, seed: 3, excHz: 10, inhHz: 20 });
    const bins = poisson.bins(0, 2000);
    const exc = bins.reduce((n, b) => n + ids(b.exc).length, 0);
    const inh = bins.reduce((n, b) => n + ids(b.inh).length, 0);
    // expected 2000 each (100 × 10 Hz × 2 s, 50 × 20 Hz × 2 s); ±5 standard deviations
    expect(Math.abs(exc - 2000)).toBeLessThan(5 * Math.sqrt(2000));
    expect(Math.abs(inh - 2000)).toBeLessThan(5 * Math.sqrt(2000));
    const bursts = new RateSource({
      nExc: 100,
      nInh: 10,
      durationMs: 1000,
      seed: 4,
      excHz: 0,
      inhHz: 0,
      burstHz: 200,
      periodMs: 100,
      widthMs: 10,
    });
    bursts.bins(0, 1000).forEach((b, k) => {
      if (k % 100 >= 10) expect(ids(b.exc)).toEqual([]);
      expect(ids(b.inh)).toEqual([]);
    });
    expect(() => new RateSource({ nExc: 1, nInh: 1, durationMs: 10, seed: 1, excHz: -1, inhHz: 0 })).toThrow(
      'the excitatory rate must be a rate in [0, 1000] Hz, got -1',
    );
    expect(
      new SilenceSource(3).bins(0, 3).every((b) => ids(b.exc).length === 0 && ids(b.inh).length === 0),
    ).toBe(true);
  });

  it('given: the file spikes come back in their bins', () => {
    const file = parseInputsJson(
      {
        durationMs: 4,
        seed: 9,
        exc: [
          [2, 3],
          [0, 1],
          [1, 1],
        ],
        inh: [[0, 0]],
      },
      { nExc: 3, nInh: 1 },
    );
    const source = new GivenSource(file, 'x.json');
    expect(source.seed).toBe(9);
    expect(source.bins(0, 4).map((b) => [ids(b.exc), ids(b.inh)])).toEqual([
      [[], [0]],
      [[0, 1], []],
      [[], []],
      [[2], []],
    ]);
  });
});
