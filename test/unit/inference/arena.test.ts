import { describe, expect, it } from '@jest/globals';
import { Arena, ArenaPlan } from '../../../src/inference/kernels/arena.js';

/** A plan with one per-slot state region (2 floats) and one ring (4 positions of 3 floats). */
function plan(): {
  plan: ArenaPlan;
  flat: ReturnType<ArenaPlan['state']>;
  ring: ReturnType<ArenaPlan['ring']>;
} {
  const p = new ArenaPlan();
  const flat = p.state(2 * 4);
  const ring = p.ring(4, 3 * 4);
  return { plan: p, flat, ring };
}

/** Slot b's ring row at position p, read through the time-major layout. */
function ringRow(arena: Arena, ring: ReturnType<ArenaPlan['ring']>, b: number, p: number): number[] {
  const all = arena.f32(ring, 4 * arena.capacity * 3);
  const at = (p * arena.capacity + b) * 3;
  return Array.from(all.subarray(at, at + 3));
}

function fill(arena: Arena, ring: ReturnType<ArenaPlan['ring']>, b: number, base: number): void {
  const all = arena.f32(ring, 4 * arena.capacity * 3);
  for (let p = 0; p < 4; p++)
    for (let c = 0; c < 3; c++) all[(p * arena.capacity + b) * 3 + c] = base + 10 * p + c;
}

describe('Arena rings (time-major state)', () => {
  it('keeps each slot its own rows through a rebuild, a move, a zeroing and a rotation', () => {
    const { plan: p, flat, ring } = plan();
    const small = Arena.build(p, 3);
    expect(ring.rowBytes).toBe(12);
    for (let b = 0; b < 3; b++) {
      fill(small, ring, b, 100 * (b + 1));
      small.f32(flat, 6).set([b, -b], 2 * b);
    }
    // a larger arena: the positions are further apart, every slot's rows and state still its own
    const big = small.rebuild(8, 3);
    for (let b = 0; b < 3; b++) {
      for (let q = 0; q < 4; q++)
        expect(ringRow(big, ring, b, q)).toEqual([0, 1, 2].map((c) => 100 * (b + 1) + 10 * q + c));
      expect(Array.from(big.f32(flat, 6).subarray(2 * b, 2 * b + 2))).toEqual([b, -b]);
    }
    // slot 2 moved onto slot 0; slot 1 untouched
    big.moveSlot(2, 0);
    expect(ringRow(big, ring, 0, 3)).toEqual([330, 331, 332]);
    expect(ringRow(big, ring, 1, 3)).toEqual([230, 231, 232]);
    // turned by 1: the row at position p is now at p + 1 (mod 4); the neighbours keep theirs
    big.rotateSlot(1, 1);
    expect(ringRow(big, ring, 1, 0)).toEqual([230, 231, 232]);
    expect(ringRow(big, ring, 1, 1)).toEqual([200, 201, 202]);
    expect(ringRow(big, ring, 0, 1)).toEqual([310, 311, 312]);
    // and by −3, the same as +1 on a ring of 4
    big.rotateSlot(0, -3);
    expect(ringRow(big, ring, 0, 2)).toEqual([310, 311, 312]);
    big.zeroSlot(1);
    for (let q = 0; q < 4; q++) expect(ringRow(big, ring, 1, q)).toEqual([0, 0, 0]);
    expect(ringRow(big, ring, 0, 2)).toEqual([310, 311, 312]);
  });
});

describe('Arena rings (slot-major state)', () => {
  it("turns one slot's run of rows and leaves its neighbours", () => {
    const p = new ArenaPlan();
    const queue = p.ring(8, 2 * 4, 'slot-major');
    const arena = Arena.build(p, 3);
    const all = arena.f32(queue, 3 * 8 * 2);
    // slot b's rows lie together: row q of slot b at (b · 8 + q) · 2 floats
    all.forEach((_, i) => (all[i] = i));
    const before = Float32Array.from(all);
    arena.rotateSlot(1, 3);
    for (let q = 0; q < 8; q++) {
      const from = (q - 3 + 8) % 8;
      expect(Array.from(all.subarray((8 + q) * 2, (8 + q) * 2 + 2))).toEqual(
        Array.from(before.subarray((8 + from) * 2, (8 + from) * 2 + 2)),
      );
    }
    expect(Array.from(all.subarray(0, 16))).toEqual(Array.from(before.subarray(0, 16)));
    expect(Array.from(all.subarray(32, 48))).toEqual(Array.from(before.subarray(32, 48)));
  });
});
