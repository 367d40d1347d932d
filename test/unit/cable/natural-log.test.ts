import { describe, it, expect } from '@jest/globals';
import { naturalLog } from '../../../src/reference/mechanisms/natural-log.js';

const word = new DataView(new ArrayBuffer(8));

/** Distance in units in the last place between two positive doubles (or two negative ones). */
function ulps(a: number, b: number): number {
  word.setFloat64(0, a);
  const ia = word.getBigInt64(0);
  word.setFloat64(0, b);
  return Math.abs(Number(ia - word.getBigInt64(0)));
}

describe('naturalLog (the E_Ca logarithm shared by the JS engine and the kernels)', () => {
  it('is within one ulp of Math.log from subnormals to the largest doubles', () => {
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    let worst = 0;
    let exact = 0;
    const n = 200_000;
    for (let q = 0; q < n; q++) {
      // half over the whole exponent range, half over the [Ca]o/[Ca]i range of the cells (2..2e5)
      const x = q % 2 ? Math.exp((next() - 0.5) * 1480) : 2 * Math.exp(next() * 11.6);
      const d = ulps(naturalLog(x), Math.log(x));
      worst = Math.max(worst, d);
      if (d === 0) exact++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(exact / n).toBeGreaterThan(0.9);
  });

  it('gives the special values of Math.log', () => {
    for (const x of [0, -0, -1, NaN, Infinity, -Infinity, 1, 5e-324, Number.MAX_VALUE]) {
      expect(naturalLog(x)).toBe(Math.log(x));
    }
    expect(naturalLog(2)).toBe(Math.LN2);
  });
});
