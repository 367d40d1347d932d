/**
 * The memory of one kernel batch: every array the kernels touch, laid out in one WebAssembly
 * memory for a given slot capacity. Regions are declared once (a plan) and placed again whenever
 * the batch is rebuilt for a larger capacity; their byte offsets are what the kernels take.
 *   - weights: fixed contents, written when the arena is built;
 *   - state: per slot, zeroed for a new slot, moved with a slot, copied into a rebuilt arena;
 *   - rings, state indexed by the slots' clocks, `rows` positions of rowBytes per slot: laid out
 *     time-major, row (position p, slot b) at (p · capacity + b) · rowBytes, so that slots whose
 *     clocks agree read and write one position together and a step walks each ring's rows in
 *     order rather than a page per slot; or slot-major (a slot's rows together, for a ring whose
 *     writes span many positions of one slot);
 *   - scratch: per slot or fixed, rewritten every step.
 */
import { instantiateTwinKernels, twinHeapBase, type TwinKernels } from './twin-wasm.js';

const ALIGN = 16;

export class Region {
  /** byte offset in the current arena */
  offset = 0;
  constructor(
    readonly kind: 'weights' | 'state' | 'scratch',
    readonly bytesPerSlot: number,
    /** bytes beside the per-slot ones (a scratch region may be resized before a rebuild) */
    public fixedBytes: number,
    readonly contents: Float32Array | null,
    /** positions of a ring (0: not a ring) */
    readonly rows = 0,
    readonly timeMajor = false,
  ) {}

  /** bytes of one slot's row at one position of a ring */
  get rowBytes(): number {
    return this.rows > 0 ? this.bytesPerSlot / this.rows : this.bytesPerSlot;
  }

  /** bytes from one slot's part of the region to the next's */
  get slotStride(): number {
    return this.timeMajor ? this.rowBytes : this.bytesPerSlot;
  }

  /** bytes from a slot's row at one position of a ring to its row at the next, for a capacity */
  positionStride(capacity: number): number {
    return this.timeMajor ? capacity * this.rowBytes : this.rowBytes;
  }

  bytes(capacity: number): number {
    return this.fixedBytes + this.bytesPerSlot * capacity;
  }
}

export class ArenaPlan {
  readonly regions: Region[] = [];

  weights(contents: Float32Array): Region {
    return this.add(new Region('weights', 0, contents.byteLength, contents));
  }

  state(bytesPerSlot: number): Region {
    return this.add(new Region('state', bytesPerSlot, 0, null));
  }

  /** A ring of `rows` positions (a power of two) of `rowBytes` per slot. */
  ring(rows: number, rowBytes: number, layout: 'time-major' | 'slot-major' = 'time-major'): Region {
    return this.add(new Region('state', rows * rowBytes, 0, null, rows, layout === 'time-major'));
  }

  scratch(bytesPerSlot: number, fixedBytes = 0): Region {
    return this.add(new Region('scratch', bytesPerSlot, fixedBytes, null));
  }

  private add(r: Region): Region {
    this.regions.push(r);
    return r;
  }
}

/** The plan placed for one capacity, with its kernel instance. */
export class Arena {
  readonly kernels: TwinKernels;
  readonly buffer: ArrayBuffer;

  private constructor(
    readonly plan: ArenaPlan,
    readonly capacity: number,
    /** per region, its offset in this arena (the regions' own `offset` follows the newest arena) */
    private readonly offsets: number[],
    /** room for one slot's rows of the largest ring (rotateSlot) */
    private readonly spare: number,
    bytes: number,
  ) {
    ({ kernels: this.kernels, buffer: this.buffer } = instantiateTwinKernels(bytes));
    const bytesView = new Uint8Array(this.buffer);
    plan.regions.forEach((r, i) => {
      r.offset = offsets[i];
      if (r.contents)
        bytesView.set(
          new Uint8Array(r.contents.buffer, r.contents.byteOffset, r.contents.byteLength),
          r.offset,
        );
    });
  }

  static build(plan: ArenaPlan, capacity: number): Arena {
    let at = align(twinHeapBase());
    const offsets = plan.regions.map((r) => {
      const offset = at;
      at = align(at + r.bytes(capacity));
      return offset;
    });
    const spare = at;
    at = align(at + Math.max(0, ...plan.regions.map((r) => (r.rows > 0 ? r.bytesPerSlot : 0))));
    return new Arena(plan, capacity, offsets, spare, at);
  }

  /** A new arena of `capacity` slots holding this one's state of the first `slots` slots. */
  rebuild(capacity: number, slots: number): Arena {
    const next = Arena.build(this.plan, capacity);
    const from = new Uint8Array(this.buffer);
    const to = new Uint8Array(next.buffer);
    this.plan.regions.forEach((r, i) => {
      if (r.kind !== 'state') return;
      const start = this.offsets[i];
      if (!r.timeMajor) {
        to.set(from.subarray(start, start + r.bytesPerSlot * slots), r.offset);
        return;
      }
      const [was, now] = [r.positionStride(this.capacity), r.positionStride(capacity)];
      for (let p = 0; p < r.rows; p++) {
        const at = start + p * was;
        to.set(from.subarray(at, at + slots * r.rowBytes), r.offset + p * now);
      }
    });
    return next;
  }

  zeroSlot(slot: number): void {
    const bytes = new Uint8Array(this.buffer);
    for (const r of this.plan.regions) {
      if (r.kind !== 'state') continue;
      for (const [at, n] of this.pieces(r, slot)) bytes.fill(0, at, at + n);
    }
  }

  /** The state of slot `from` copied onto slot `to`. */
  moveSlot(from: number, to: number): void {
    const bytes = new Uint8Array(this.buffer);
    for (const r of this.plan.regions) {
      if (r.kind !== 'state') continue;
      const target = this.pieces(r, to);
      this.pieces(r, from).forEach(([at, n], i) => bytes.copyWithin(target[i][0], at, at + n));
    }
  }

  /**
   * Slot `slot`'s rings turned by `shift` positions: the row at position p moves to p + shift
   * (mod the ring's length), as if the slot's clock had been `shift` bins later all along.
   */
  rotateSlot(slot: number, shift: number): void {
    for (const r of this.plan.regions) {
      if (r.kind !== 'state' || r.rows === 0) continue;
      const at = r.offset + slot * r.slotStride;
      this.kernels.ringRotate(
        at,
        r.positionStride(this.capacity),
        r.rows,
        r.rowBytes,
        shift >>> 0,
        this.spare,
      );
    }
  }

  /** [byte offset, bytes] of a slot's part of a state region (one piece, or a row per position). */
  private pieces(r: Region, slot: number): [number, number][] {
    if (!r.timeMajor) return [[r.offset + slot * r.bytesPerSlot, r.bytesPerSlot]];
    const stride = r.positionStride(this.capacity);
    return Array.from({ length: r.rows }, (_, p): [number, number] => [
      r.offset + p * stride + slot * r.slotStride,
      r.rowBytes,
    ]);
  }

  f32(r: Region, floats: number): Float32Array {
    return new Float32Array(this.buffer, r.offset, floats);
  }

  u32(r: Region, words: number): Uint32Array {
    return new Uint32Array(this.buffer, r.offset, words);
  }

  u8(r: Region, bytes: number): Uint8Array {
    return new Uint8Array(this.buffer, r.offset, bytes);
  }
}

function align(x: number): number {
  return Math.ceil(x / ALIGN) * ALIGN;
}
