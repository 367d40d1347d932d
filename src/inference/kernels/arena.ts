/**
 * The memory of one kernel batch: every array the kernels touch, laid out in one WebAssembly
 * memory for a given slot capacity. Regions are declared once (a plan) and placed again whenever
 * the batch is rebuilt for a larger capacity; their byte offsets are what the kernels take.
 *   - weights: fixed contents, written when the arena is built;
 *   - state: per slot, zeroed for a new slot, moved with a slot, copied into a rebuilt arena;
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
  ) {}

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
    return new Arena(plan, capacity, offsets, at);
  }

  /** A new arena of `capacity` slots holding this one's state of the first `slots` slots. */
  rebuild(capacity: number, slots: number): Arena {
    const next = Arena.build(this.plan, capacity);
    const from = new Uint8Array(this.buffer);
    const to = new Uint8Array(next.buffer);
    this.plan.regions.forEach((r, i) => {
      if (r.kind !== 'state') return;
      const start = this.offsets[i];
      to.set(from.subarray(start, start + r.bytesPerSlot * slots), r.offset);
    });
    return next;
  }

  zeroSlot(slot: number): void {
    const bytes = new Uint8Array(this.buffer);
    for (const r of this.plan.regions) {
      if (r.kind === 'state')
        bytes.fill(0, r.offset + slot * r.bytesPerSlot, r.offset + (slot + 1) * r.bytesPerSlot);
    }
  }

  /** The state of slot `from` copied onto slot `to`. */
  moveSlot(from: number, to: number): void {
    const bytes = new Uint8Array(this.buffer);
    for (const r of this.plan.regions) {
      if (r.kind !== 'state') continue;
      const n = r.bytesPerSlot;
      bytes.copyWithin(r.offset + to * n, r.offset + from * n, r.offset + (from + 1) * n);
    }
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
