/** An append-only Int32 buffer that doubles its capacity; `view()` returns the filled part. */
export class GrowableInt32 {
  private data: Int32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.data = new Int32Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  clear(): void {
    this.length = 0;
  }

  /** A copy of the filled part, sized exactly. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
