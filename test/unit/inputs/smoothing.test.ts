import { describe, it, expect } from '@jest/globals';
import { Rng } from '../../../src/core/rng.js';
import {
  convolveSameDirect,
  gaussianWindow,
  SameSizeSmoother,
  StepSmoother,
} from '../../../src/inputs/smoothing.js';

describe('Gaussian smoothing', () => {
  it('uses a normalised symmetric window of 1 + 7σ samples', () => {
    for (const sigma of [21, 40, 119]) {
      const g = gaussianWindow(sigma);
      expect(g.length).toBe(1 + 7 * sigma);
      expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let n = 0; n < g.length; n++) expect(g[n]).toBeCloseTo(g[g.length - 1 - n], 15);
      // peak at the centre (W−1)/2, which falls between two samples when W is even
      expect(g.indexOf(Math.max(...g))).toBe(Math.floor((g.length - 1) / 2));
    }
    expect(() => gaussianWindow(0)).toThrow(/sigma/);
  });

  it('FFT smoothing equals the direct same-size convolution, including windows longer than the row', () => {
    const rng = new Rng(3);
    for (const [length, sigma] of [
      [600, 7],
      [600, 40],
      [300, 119],
      [257, 60],
    ]) {
      const g = gaussianWindow(sigma);
      const smoother = new SameSizeSmoother(length, g);
      const a = Float64Array.from({ length }, () => rng.uniform());
      const b = Float64Array.from({ length }, () => rng.uniform() * 5);
      const outA = new Float64Array(length);
      const outB = new Float64Array(length);
      smoother.smoothPair(a, b, outA, outB);
      const refA = convolveSameDirect(a, g);
      const refB = convolveSameDirect(b, g);
      for (let t = 0; t < length; t++) {
        expect(Math.abs(outA[t] - refA[t])).toBeLessThan(1e-12);
        expect(Math.abs(outB[t] - refB[t])).toBeLessThan(1e-11);
      }
    }
  });

  it('keeps a constant row constant away from the edges and dips at the zero-padded edges', () => {
    const sigma = 20;
    const length = 1000;
    const smoother = new SameSizeSmoother(length, gaussianWindow(sigma));
    const out = new Float64Array(length);
    smoother.smoothPair(new Float64Array(length).fill(2), null, out, null);
    expect(out[500]).toBeCloseTo(2, 9);
    // at t = 0 only the taps n <= c see data: half the window plus the centre tap
    const g = gaussianWindow(sigma);
    const c = Math.floor((g.length - 1) / 2);
    const inside = g.subarray(0, c + 1).reduce((x, y) => x + y, 0);
    expect(out[0]).toBeCloseTo(2 * inside, 12);
    expect(out[0]).toBeLessThan(1.1);
    expect(out[length - 1]).toBeLessThan(1.1);
  });

  it('step-sum smoothing of a piecewise-constant row equals the direct convolution', () => {
    const rng = new Rng(8);
    for (const [length, sigma, hold] of [
      [700, 30, 25],
      [700, 5, 100],
      [500, 100, 7],
      [300, 119, 450],
      [301, 1, 1],
    ]) {
      const g = gaussianWindow(sigma);
      const M = Math.ceil(length / hold);
      const rates = Float64Array.from({ length: M }, () => rng.uniform() * 0.01);
      const row = Float64Array.from({ length }, (_, t) => rates[Math.floor(t / hold)]);
      const out = new Float64Array(length);
      new StepSmoother(length, g, hold).smooth(rates, out);
      const ref = convolveSameDirect(row, g);
      let worst = 0;
      for (let t = 0; t < length; t++) worst = Math.max(worst, Math.abs(out[t] - ref[t]));
      expect(worst).toBeLessThan(1e-15);
    }
  });
});
