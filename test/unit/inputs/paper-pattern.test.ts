import { describe, it, expect } from '@jest/globals';
import { binOffsets } from '../../../src/core/spikes.js';
import { drawPatternParams, PatternGenerator, spikeProbability } from '../../../src/inputs/paper-pattern.js';
import { ifPaperInputs, l5pcPaperInputs } from '../../../src/inputs/presets.js';
import { Rng } from '../../../src/core/rng.js';

describe('paper input generator', () => {
  it('draws hold, σ and counts inside the I&F ranges (§7, §8.1–8.2)', () => {
    const config = ifPaperInputs();
    const rng = new Rng(11);
    const holdJitters = new Set<number>();
    for (let trial = 0; trial < 200; trial++) {
      const p = drawPatternParams(config, 6000, rng);
      holdJitters.add(p.holdMs);
      const inRange =
        p.holdMs >= 25 - 19 && p.holdMs <= 100 + 19 && p.sigmaMs >= 40 - 19 && p.sigmaMs <= 100 + 19;
      if (!inRange || p.nIntervals !== Math.ceil(6000 / p.holdMs))
        throw new Error(`trial ${trial}: H ${p.holdMs}, σ ${p.sigmaMs}`);
      for (let m = 0; m < p.nIntervals; m++) {
        const e = p.excCounts[m];
        const i = p.inhCounts[m];
        const ok = e >= 0 && e <= 50 && (e < 15 ? i === 1e-4 : i >= 0 && i <= e - 15);
        if (!ok) throw new Error(`interval ${m}: E = ${e}, I = ${i} outside the §7 ranges`);
      }
    }
    // option + jitter reaches many distinct values
    expect(holdJitters.size).toBeGreaterThan(40);
  });

  it('is deterministic per seed, sorted by time, and consistent with its per-bin offsets', () => {
    const gen = new PatternGenerator(ifPaperInputs(), 2000);
    const a = gen.generate(5);
    const b = gen.generate(5);
    const c = gen.generate(6);
    expect(b.exc.ids).toEqual(a.exc.ids);
    expect(b.inh.times).toEqual(a.inh.times);
    expect(c.exc.times).not.toEqual(a.exc.times);
    expect(binOffsets(a.exc, 2000)).toEqual(a.excOffsets);
    expect(binOffsets(a.inh, 2000)).toEqual(a.inhOffsets);
    expect(Math.min(...a.exc.ids)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.exc.ids)).toBeLessThan(80);
    // at most one spike per synapse per bin
    let duplicates = 0;
    for (let t = 0; t < 2000; t++) {
      const ids = a.exc.ids.subarray(a.excOffsets[t], a.excOffsets[t + 1]);
      duplicates += ids.length - new Set(ids).size;
    }
    expect(duplicates).toBe(0);
  });

  it('emits on average Σ q(ρ̂) spikes, and ρ̂ integrates the coarse counts', () => {
    const T = 3000;
    const gen = new PatternGenerator(ifPaperInputs(), T);
    let expected = 0;
    let observed = 0;
    let expectedInh = 0;
    let observedInh = 0;
    for (let seed = 0; seed < 30; seed++) {
      const { exc, inh, params } = gen.expectedRates(seed);
      for (let i = 0; i < exc.length; i++) expected += spikeProbability(exc[i]);
      for (let i = 0; i < inh.length; i++) expectedInh += spikeProbability(inh[i]);
      const pattern = gen.generate(seed);
      observed += pattern.exc.times.length;
      observedInh += pattern.inh.times.length;
      // away from the zero-padded edges, the smoothed total rate follows E/100 per ms (noise mean 1)
      const mid = Math.floor(T / 2);
      let total = 0;
      for (let k = 0; k < 80; k++) total += exc[k * T + mid];
      let meanE = 0;
      for (let m = 0; m < params.nIntervals; m++) meanE += params.excCounts[m];
      meanE /= params.nIntervals;
      if (!(total > 0 && total < (50 / 100) * 1.5 && meanE <= 50))
        throw new Error(`seed ${seed}: total rate ${total}`);
    }
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(Math.abs(observedInh - expectedInh)).toBeLessThan(4 * Math.sqrt(expectedInh) + 1);
    // E ~ U[0, 50] per 100 ms over 80 synapses: ≈ 25/100 spikes/ms in total before edge losses
    expect(observed / (30 * T)).toBeGreaterThan(0.15);
    expect(observed / (30 * T)).toBeLessThan(0.3);
  });

  it('gives the same smoothed rates by FFT and by step sums', () => {
    const gen = new PatternGenerator(ifPaperInputs(), 1000);
    for (const seed of [1, 2, 3]) {
      const a = gen.expectedRates(seed, 'fft');
      const b = gen.expectedRates(seed, 'step');
      let worst = 0;
      for (let i = 0; i < a.exc.length; i++) worst = Math.max(worst, Math.abs(a.exc[i] - b.exc[i]));
      for (let i = 0; i < a.inh.length; i++) worst = Math.max(worst, Math.abs(a.inh[i] - b.inh[i]));
      expect(worst).toBeLessThan(1e-15);
    }
  });

  it('builds the L5PC preset with length + 10 µm weights per tree and its count table', () => {
    const lengths = Array.from({ length: 12 }, (_, i) => i * 3);
    const cfg = l5pcPaperInputs(lengths, 5, 7, 'ampa');
    expect(cfg.nExc).toBe(12);
    expect(cfg.groups.map((g) => g.name)).toEqual(['basal', 'apical']);
    expect(cfg.groups[0].excIds).toEqual([0, 1, 2, 3, 4]);
    expect(cfg.groups[1].inhWeights[0]).toBe(lengths[5] + 10);
    expect(cfg.groups[1].excCount).toEqual([0, 2000]);
    expect(cfg.groups[0].inhDelta).toEqual([-1650, 150]);
    const gen = new PatternGenerator(cfg, 500);
    const pattern = gen.generate(1);
    expect(pattern.exc.times.length).toBeGreaterThan(0);
    expect(() => l5pcPaperInputs(lengths, 5, 6, 'nmda')).toThrow(/12 compartment lengths|expected 11/);
    expect(() => l5pcPaperInputs(lengths, 5, 7, 'gaba' as never)).toThrow(/unknown L5PC dataset/);
  });

  it('rejects inconsistent configs and durations with a message naming the problem', () => {
    const cfg = ifPaperInputs();
    expect(() => new PatternGenerator({ ...cfg, nExc: 81 }, 100)).toThrow(
      /excitatory synapse 80 belongs to no group/,
    );
    expect(() => new PatternGenerator({ ...cfg, holdOptionsMs: [10] }, 100)).toThrow(/hold option/);
    expect(() => new PatternGenerator(cfg, 0)).toThrow(/duration/);
    expect(() => new PatternGenerator(cfg, 10.5)).toThrow(/duration/);
  });
});
