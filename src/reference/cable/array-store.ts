/**
 * Where an engine's arrays live. On the JS heap (HEAP_STORE) a placed array is the array itself; in
 * a WebAssembly memory (WasmArrayStore) it is a copy there, so that the kernels of ./wasm-kernels.ts
 * reach it by byte offset. Placing the same array twice gives the same copy, so arrays that
 * mechanisms share (V, E_Ca, the tables) stay shared. An engine is built twice when it uses the
 * kernels: once through a MeasuringStore to learn the size of the memory, then into it.
 */
export type StoredArray = Float64Array | Int32Array | Uint8Array;

export interface ArrayStore {
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
  u8(length: number): Uint8Array;
  /** the array in this store, with its contents */
  place<T extends StoredArray>(source: T): T;
}

export const HEAP_STORE: ArrayStore = {
  f64: (length) => new Float64Array(length),
  i32: (length) => new Int32Array(length),
  u8: (length) => new Uint8Array(length),
  place: (source) => source,
};

/** Every array starts on a 16-byte boundary (aligned loads, room for 128-bit vectors). */
const ALIGN = 16;
const aligned = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** Counts the bytes a build would take in a WasmArrayStore; its arrays are ordinary ones. */
export class MeasuringStore implements ArrayStore {
  private readonly seen = new Set<StoredArray>();
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  f64(length: number): Float64Array {
    this.total += aligned(8 * length);
    return new Float64Array(length);
  }

  i32(length: number): Int32Array {
    this.total += aligned(4 * length);
    return new Int32Array(length);
  }

  u8(length: number): Uint8Array {
    this.total += aligned(length);
    return new Uint8Array(length);
  }

  place<T extends StoredArray>(source: T): T {
    if (!this.seen.has(source)) {
      this.seen.add(source);
      this.total += aligned(source.byteLength);
    }
    return source;
  }
}

/** Bump allocation in a buffer that never moves (a WebAssembly memory that is never grown). */
export class WasmArrayStore implements ArrayStore {
  private readonly copies = new Map<StoredArray, StoredArray>();
  private offset: number;

  constructor(
    private readonly buffer: ArrayBuffer,
    /** first byte the store may use */
    start: number,
  ) {
    this.offset = aligned(start);
  }

  private take(bytes: number): number {
    const at = this.offset;
    this.offset = at + aligned(bytes);
    if (this.offset > this.buffer.byteLength) {
      throw new RangeError(
        `kernel memory exhausted: ${this.offset} bytes needed, ${this.buffer.byteLength} reserved`,
      );
    }
    return at;
  }

  f64(length: number): Float64Array {
    return new Float64Array(this.buffer, this.take(8 * length), length);
  }

  i32(length: number): Int32Array {
    return new Int32Array(this.buffer, this.take(4 * length), length);
  }

  u8(length: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(length), length);
  }

  place<T extends StoredArray>(source: T): T {
    const known = this.copies.get(source);
    if (known) return known as T;
    const copy = (
      source instanceof Float64Array
        ? this.f64(source.length)
        : source instanceof Int32Array
          ? this.i32(source.length)
          : this.u8(source.length)
    ) as T;
    copy.set(source as never);
    this.copies.set(source, copy);
    return copy;
  }
}
