/** Append-only typed buffers that double their capacity; `view()` is the filled part (no copy). */

type TypedArray = Float32Array | Int32Array | Uint8Array;

class Growable<T extends TypedArray> {
  protected data: T;
  length = 0;

  constructor(private readonly make: (n: number) => T) {
    this.data = make(4096);
  }

  /** Makes room for `extra` more values. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let size = this.data.length;
    while (size < need) size *= 2;
    const bigger = this.make(size);
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** The filled part; valid until the next push. */
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

export class GrowableFloat32 extends Growable<Float32Array> {
  constructor() {
    super((n) => new Float32Array(n));
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor() {
    super((n) => new Int32Array(n));
  }
}

export class GrowableUint8 extends Growable<Uint8Array> {
  constructor() {
    super((n) => new Uint8Array(n));
  }
}
