import { describe, it, expect } from '@jest/globals';
import { RateLimitedLog } from '../../../src/core/rate-limited-log.js';

describe('RateLimitedLog', () => {
  it('passes at most maxLines per interval per kind and summarises the rest', () => {
    let t = 0;
    const lines: string[] = [];
    const log = new RateLimitedLog((l) => lines.push(l), { maxLines: 3, intervalMs: 1000, now: () => t });
    for (let i = 0; i < 1000; i++) log.log('bad utf-8', `frame ${i}`);
    log.log('socket error', 'other kind');
    expect(lines).toEqual(['frame 0', 'frame 1', 'frame 2', 'other kind']);
    t = 1500;
    log.log('bad utf-8', 'frame later');
    expect(lines.slice(4)).toEqual([
      'suppressed 997 similar messages (bad utf-8: at most 3 lines per 1 s)',
      'frame later',
    ]);
    log.log('bad utf-8', 'x');
    log.log('bad utf-8', 'y');
    log.log('bad utf-8', 'z');
    log.flush();
    expect(lines.slice(6)).toEqual([
      'x',
      'y',
      'suppressed 1 similar messages (bad utf-8: at most 3 lines per 1 s)',
    ]);
    log.flush();
    expect(lines).toHaveLength(9);
  });

  it('writes the summary when the interval ends even without further lines', async () => {
    const lines: string[] = [];
    const log = new RateLimitedLog((l) => lines.push(l), { maxLines: 1, intervalMs: 30 });
    log.log('k', 'a');
    log.log('k', 'b');
    log.log('k', 'c');
    expect(lines).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 80));
    expect(lines).toEqual(['a', 'suppressed 2 similar messages (k: at most 1 lines per 0.03 s)']);
  });
});
