/**
 * The loopback-echo floor of `bench stream`: every round trip after the warm-up is counted, replies
 * of any size are awaited whole (TCP delivers them in pieces), bad sizes are refused.
 */
import { describe, it, expect } from '@jest/globals';
import { measureLoopbackEcho } from '../../../src/cli/loopback-echo.js';

describe('loopback echo', () => {
  it('counts sessions × (messages − warm-up) round trips, with replies larger than a TCP segment', async () => {
    const r = await measureLoopbackEcho({
      sessions: 3,
      messages: 10,
      warmup: 4,
      requestBytes: 300,
      replyBytes: 200_000,
    });
    expect(r).toMatchObject({ sessions: 3, counted: 18, requestBytes: 300, replyBytes: 200_000 });
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p50Ms).toBeLessThanOrEqual(r.p90Ms);
    expect(r.p90Ms).toBeLessThanOrEqual(r.p99Ms);
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
    expect(r.messagesPerSecond).toBeGreaterThan(0);
  });

  it('refuses a warm-up that leaves nothing to count and empty messages', async () => {
    const base = { sessions: 1, messages: 3, warmup: 1, requestBytes: 10, replyBytes: 10 };
    await expect(measureLoopbackEcho({ ...base, warmup: 3 })).rejects.toThrow(
      'warmup (3) must be less than messages (3)',
    );
    await expect(measureLoopbackEcho({ ...base, replyBytes: 0 })).rejects.toThrow(
      'message sizes must be at least 1 byte, got 10 and 0',
    );
  });
});
