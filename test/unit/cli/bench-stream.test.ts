/**
 * `neurotwin bench stream` (runs dist/; `npm test` builds it first): what it counts and how the
 * figures follow from each other; bad options fail with one line. Speed is never asserted.
 */
import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

function bench(args: string[]) {
  return spawnSync(process.execPath, ['bin/neurotwin.js', 'bench', 'stream', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('bench stream', () => {
  for (const threads of [1, 2]) {
    it(`counts every chunk of every session after the warm-up (clients in ${threads} thread(s))`, () => {
      const r = bench(
        ['--sessions 5 --chunks 9 --warmup 3 --chunk 20 --json', `--client-threads ${threads}`]
          .join(' ')
          .split(' '),
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const f = JSON.parse(r.stdout) as Record<string, number>;
      expect(f).toMatchObject({
        sessions: 5,
        chunkBins: 20,
        chunksPerSession: 9,
        warmupChunksPerSession: 3,
        clientThreads: threads,
        countedChunks: 5 * 6,
        bins: 5 * 6 * 20,
      });
      expect(f.aggregateBinsPerSecond).toBeCloseTo(f.bins / f.wallSeconds, 6);
      expect(f.p50Ms).toBeGreaterThan(0);
      expect(f.p50Ms).toBeLessThanOrEqual(f.p90Ms);
      expect(f.p90Ms).toBeLessThanOrEqual(f.p99Ms);
      expect(f.p99Ms).toBeLessThanOrEqual(f.maxMs);
      // a round trip lies inside the measured window
      expect(f.maxMs).toBeLessThanOrEqual(f.wallSeconds * 1000);
      // the loopback floor of the same run: the same sessions and counts, frames of the real sizes
      const echo = f.loopbackEcho as unknown as Record<string, number>;
      expect(echo).toMatchObject({ sessions: 5, counted: 5 * 6 });
      expect(echo.requestBytes).toBeGreaterThan(20);
      expect(echo.replyBytes).toBeGreaterThan(20 * 8);
      expect(f.p99OverLoopbackEcho).toBeCloseTo(f.p99Ms / echo.p99Ms, 6);
    });
  }

  it('--rate paces the chunks: each session sends on its schedule, the sessions together at the offered load', () => {
    // 4 sessions × 20-bin chunks at 1,600 bins/s: a chunk every 50 ms per session
    const r = bench('--sessions 4 --chunks 12 --warmup 2 --chunk 20 --rate 1600 --json'.split(' '));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const f = JSON.parse(r.stdout) as Record<string, number>;
    expect(f).toMatchObject({ offeredBinsPerSecond: 1600, countedChunks: 4 * 10, bins: 4 * 10 * 20 });
    // counted chunks 2..11: their sends span at least 9 intervals less the sessions' spread (< 1)
    expect(f.wallSeconds).toBeGreaterThan(8 * 0.05);
    expect(f.aggregateBinsPerSecond).toBeLessThan(1600 * 1.3);
  });

  it('refuses a warm-up that leaves nothing to count, and more client threads than sessions', () => {
    const a = bench(['--sessions', '2', '--chunks', '4', '--warmup', '4']);
    expect(a.status).not.toBe(0);
    expect(a.stderr.trim()).toBe('neurotwin: --warmup (4) must be less than --chunks (4)');
    const b = bench(['--sessions', '2', '--chunks', '4', '--warmup', '1', '--client-threads', '3']);
    expect(b.status).not.toBe(0);
    expect(b.stderr.trim()).toBe('neurotwin: --client-threads (3) must not exceed --sessions (2)');
  });
});
