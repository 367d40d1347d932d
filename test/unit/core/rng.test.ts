import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { Rng, mix32 } from '../../../src/core/rng.js';

/** The same generator written independently in Python (a cross-language determinism check). */
const PYTHON_XOSHIRO = `
import sys
M = 0xffffffff
def mix32(x):
    z = (x + 0x9e3779b9) & M
    z = ((z ^ (z >> 16)) * 0x85ebca6b) & M
    z = ((z ^ (z >> 13)) * 0xc2b2ae35) & M
    return z ^ (z >> 16)
def rotl(x, k): return ((x << k) | (x >> (32 - k))) & M
seed = int(sys.argv[1]); x = seed; s = []
for _ in range(4):
    s.append(mix32(x)); x = (x + 0x9e3779b9) & M
out = []
for _ in range(8):
    r = (rotl((s[1] * 5) & M, 7) * 9) & M
    t = (s[1] << 9) & M
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11)
    out.append(r)
print(' '.join(map(str, out)))
`;

describe('Rng', () => {
  it('matches an independent Python implementation of splitmix32-seeded xoshiro128**', () => {
    for (const seed of [0, 1, 123456789, 0xffffffff]) {
      const py = spawnSync('/usr/bin/python3', ['-c', PYTHON_XOSHIRO, String(seed)], { encoding: 'utf8' });
      expect(py.status).toBe(0);
      const expected = py.stdout.trim().split(' ').map(Number);
      const rng = new Rng(seed);
      expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(expected);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 100 }, () => c.uniform())).not.toEqual(xa);
    expect(mix32(1)).not.toBe(mix32(2));
  });

  it('draws uniform, integer, exponential and Bernoulli variates with the right moments', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));

    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.uniformInt(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(4 * Math.sqrt(10_000));

    let esum = 0;
    for (let i = 0; i < n; i++) esum += rng.exponential(3);
    expect(Math.abs(esum / n - 3)).toBeLessThan(4 * (3 / Math.sqrt(n)));

    for (const p of [0.3, 1e-3]) {
      let hits = 0;
      for (let i = 0; i < n; i++) if (rng.bernoulli(p)) hits++;
      expect(Math.abs(hits - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)) + 1);
    }
    for (let i = 0; i < 1000; i++) {
      expect(rng.bernoulli(0)).toBe(false);
      expect(rng.bernoulli(1)).toBe(true);
    }
  });

  it('draws standard normal deviates and integers in [lo, hi)', () => {
    const rng = new Rng(11);
    const n = 40000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(-3, 4));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it('resumes the same stream from a saved state, including a cached normal deviate', () => {
    const rng = new Rng(5);
    rng.normal(); // leaves the second deviate of the pair cached
    const saved = JSON.parse(JSON.stringify(rng.getState())) as ReturnType<Rng['getState']>;
    const expected = [rng.normal(), rng.normal(), rng.uniform(), rng.nextUint32()];
    const resumed = new Rng(999);
    resumed.setState(saved);
    expect([resumed.normal(), resumed.normal(), resumed.uniform(), resumed.nextUint32()]).toEqual(expected);
    expect(() => resumed.setState({ s: [1, 2, 3], spareNormal: null })).toThrow(/4 integer words/);
  });

  it('rejects bad seeds and bounds', () => {
    expect(() => new Rng(-1)).toThrow(/seed/);
    expect(() => new Rng(1.5)).toThrow(/seed/);
    expect(() => new Rng(2 ** 32)).toThrow(/seed/);
    expect(() => new Rng(1).uniformInt(0)).toThrow(/uniformInt/);
  });
});
