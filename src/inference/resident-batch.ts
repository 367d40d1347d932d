/**
 * The state of many streams of one step graph, resident in preallocated batch tensors: slot i owns
 * row i of every state tensor for as long as it lives. Each state tensor has two copies that take
 * turns as the graph's input and as its preallocated output, so a step moves no state between
 * per-stream objects and onnxruntime; only rows that must not advance (idle slots) are copied back.
 *
 * Input of one step is one CSR over slots with combined synapse ids (excitatory 0..nExc-1,
 * inhibitory nExc + id). For a dense graph ('input') the ids become ones in a [slots, nExc+nInh]
 * row block; for a sparse graph ('active') they become int64 [slots, width] rows padded with
 * nExc + nInh. Duplicate ids in one bin count once in both forms.
 */
import ort from 'onnxruntime-node';
import type { StepModel } from './step-model.js';
import type { StepInput, StreamBatch } from './stream-batch.js';

export type { StepInput } from './stream-batch.js';

interface RunTensors {
  feeds: Record<string, ort.Tensor>;
  fetches: Record<string, ort.Tensor>;
}

export class ResidentBatch implements StreamBatch {
  readonly engine = 'onnx';
  private capacity: number;
  private slots = 0;
  /** [copy][state] */
  private readonly state: Float32Array[][] = [[], []];
  /** which copy holds the current state */
  private current = 0;
  private denseInput: Float32Array;
  /** int64 ids, written through an int32 view (see writeSparse) */
  private sparseInput: BigInt64Array;
  private sparseWords: Int32Array;
  private voltageBuf: Float32Array;
  private spikeProbBuf: Float32Array;
  /** per bin, the step at which an id was last seen (dedupes ids without clearing a set) */
  private readonly seenAt: Uint32Array;
  private stamp = 0;
  private readonly tensorCache = new Map<string, RunTensors>();
  private readonly sparse: boolean;
  private readonly nIn: number;
  private running = false;

  constructor(
    readonly model: StepModel,
    initialCapacity = 64,
  ) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1)
      throw new Error(`initial capacity must be a positive integer, got ${initialCapacity}`);
    this.capacity = initialCapacity;
    this.sparse = model.inputForm === 'active';
    this.nIn = model.nInputs;
    this.seenAt = new Uint32Array(this.nIn);
    for (let c = 0; c < 2; c++)
      this.state[c] = model.states.map((s) => new Float32Array(this.capacity * s.rowSize));
    this.denseInput = new Float32Array(this.sparse ? 0 : this.capacity * this.nIn);
    this.sparseInput = new BigInt64Array(this.sparse ? this.capacity : 0);
    this.sparseWords = new Int32Array(this.sparseInput.buffer);
    this.voltageBuf = new Float32Array(this.capacity);
    this.spikeProbBuf = new Float32Array(this.capacity);
  }

  get size(): number {
    return this.slots;
  }

  /** Outputs of the last step, slot i at index i (valid until the next step). */
  get voltage(): Float32Array {
    return this.voltageBuf;
  }

  get spikeProb(): Float32Array {
    return this.spikeProbBuf;
  }

  /** A new slot at rest (zero state); returns its index. Not allowed while a step runs. */
  addSlot(): number {
    this.checkIdle('addSlot');
    if (this.slots === this.capacity) this.grow(this.capacity * 2);
    const slot = this.slots++;
    this.model.states.forEach((s, i) =>
      this.state[this.current][i].fill(0, slot * s.rowSize, (slot + 1) * s.rowSize),
    );
    this.tensorCache.clear();
    return slot;
  }

  /**
   * Frees a slot by moving the last slot's state into it (rows stay packed, so a step runs exactly
   * `size` rows). Returns the index the moved slot had (== slot when the last slot was removed).
   */
  removeSlot(slot: number): number {
    this.checkIdle('removeSlot');
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots)
      throw new RangeError(`slot ${slot} is not in [0, ${this.slots})`);
    const last = --this.slots;
    if (last !== slot) {
      this.model.states.forEach((s, i) => {
        const buf = this.state[this.current][i];
        buf.copyWithin(slot * s.rowSize, last * s.rowSize, (last + 1) * s.rowSize);
      });
    }
    this.tensorCache.clear();
    return last;
  }

  /**
   * Steps every slot by one bin. Slots flagged in `idle` keep their state (their outputs are
   * meaningless); the others advance with their ids in `input`.
   */
  readonly maxBins = 1;

  async step(input: StepInput, idle: Uint8Array | null = null, bins = 1): Promise<void> {
    if (bins !== 1) throw new RangeError(`the step graph advances one bin per run, not ${bins}`);
    const n = this.slots;
    if (n === 0) return;
    this.checkIdle('step');
    this.running = true;
    try {
      let width = 0;
      if (this.sparse) width = this.writeSparse(input, n);
      else {
        try {
          this.writeDense(input, n, 1);
        } catch (err) {
          this.denseInput.fill(0);
          throw err;
        }
      }
      const t = this.tensorsFor(n, width);
      try {
        await this.model.session.run(t.feeds, t.fetches);
      } finally {
        if (!this.sparse) this.writeDense(input, n, 0);
      }
      const next = 1 - this.current;
      if (idle) this.keepIdleRows(idle, n, this.current, next);
      this.current = next;
    } finally {
      this.running = false;
    }
  }

  /** Nothing of its own to release: the session belongs to the StepModel. */
  dispose(): Promise<void> {
    return Promise.resolve();
  }

  /** Current state row of a slot for state tensor i (a view; for tests and snapshots). */
  stateRow(slot: number, i: number): Float32Array {
    const size = this.model.states[i].rowSize;
    return this.state[this.current][i].subarray(slot * size, (slot + 1) * size);
  }

  private checkIdle(what: string): void {
    if (this.running) throw new Error(`ResidentBatch.${what} while a step is running`);
  }

  private keepIdleRows(idle: Uint8Array, n: number, from: number, to: number): void {
    const states = this.model.states;
    for (let b = 0; b < n; b++) {
      if (!idle[b]) continue;
      for (let i = 0; i < states.length; i++) {
        const size = states[i].rowSize;
        this.state[to][i].set(this.state[from][i].subarray(b * size, (b + 1) * size), b * size);
      }
    }
  }

  /** Sets (value 1) or clears (value 0) the dense input ones of the step. */
  private writeDense(input: StepInput, n: number, value: number): void {
    const { offsets, ids } = input;
    const nIn = this.nIn;
    const x = this.denseInput;
    for (let b = 0; b < n; b++) {
      const row = b * nIn;
      for (let j = offsets[b]; j < offsets[b + 1]; j++) {
        const id = ids[j];
        if (id >= nIn) throw new RangeError(`synapse id ${id} is not in [0, ${nIn})`);
        x[row + id] = value;
      }
    }
  }

  /** Fills int64 [n, width] padded ids; width = most distinct ids of a slot (at least 1). */
  private writeSparse(input: StepInput, n: number): number {
    const { offsets, ids } = input;
    let width = 1;
    for (let b = 0; b < n; b++) width = Math.max(width, offsets[b + 1] - offsets[b]);
    if (n * width > this.sparseInput.length) this.growSparse(n * width);
    const nIn = this.nIn;
    // int64 little-endian: the low word carries the id, the high word stays 0 (ids < 2^31), so no
    // BigInt is created per element
    const words = this.sparseWords;
    const seen = this.seenAt;
    for (let b = 0; b < n; b++) {
      if (++this.stamp === 0xffffffff) {
        seen.fill(0);
        this.stamp = 1;
      }
      const stamp = this.stamp;
      let k = b * width;
      for (let j = offsets[b]; j < offsets[b + 1]; j++) {
        const id = ids[j];
        if (id >= nIn) throw new RangeError(`synapse id ${id} is not in [0, ${nIn})`);
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        words[2 * k++] = id;
      }
      for (const end = (b + 1) * width; k < end; k++) words[2 * k] = nIn;
    }
    return width;
  }

  private growSparse(minElements: number): void {
    let size = Math.max(this.sparseInput.length, 1);
    while (size < minElements) size *= 2;
    this.sparseInput = new BigInt64Array(size);
    this.sparseWords = new Int32Array(this.sparseInput.buffer);
    this.tensorCache.clear();
  }

  private grow(capacity: number): void {
    for (let c = 0; c < 2; c++) {
      this.state[c] = this.model.states.map((s, i) => {
        const next = new Float32Array(capacity * s.rowSize);
        next.set(this.state[c][i].subarray(0, this.slots * s.rowSize));
        return next;
      });
    }
    if (!this.sparse) this.denseInput = new Float32Array(capacity * this.nIn);
    this.voltageBuf = new Float32Array(capacity);
    this.spikeProbBuf = new Float32Array(capacity);
    this.capacity = capacity;
    this.tensorCache.clear();
  }

  /** Feeds and preallocated fetches for n rows (and sparse width), reading copy `current`. */
  private tensorsFor(n: number, width: number): RunTensors {
    const key = `${n}:${width}:${this.current}`;
    let t = this.tensorCache.get(key);
    if (t) return t;
    const cur = this.state[this.current];
    const next = this.state[1 - this.current];
    const feeds: Record<string, ort.Tensor> = {};
    if (this.sparse)
      feeds.active = new ort.Tensor('int64', this.sparseInput.subarray(0, n * width), [n, width]);
    else feeds.input = new ort.Tensor('float32', this.denseInput.subarray(0, n * this.nIn), [n, this.nIn]);
    const fetches: Record<string, ort.Tensor> = {
      voltage: new ort.Tensor('float32', this.voltageBuf.subarray(0, n), [n]),
      spike_prob: new ort.Tensor('float32', this.spikeProbBuf.subarray(0, n), [n]),
    };
    this.model.states.forEach((s, i) => {
      const dims = [n, ...s.rowShape];
      feeds[s.inputName] = new ort.Tensor('float32', cur[i].subarray(0, n * s.rowSize), dims);
      fetches[s.outputName] = new ort.Tensor('float32', next[i].subarray(0, n * s.rowSize), dims);
    });
    t = { feeds, fetches };
    // sparse widths vary from call to call: keep the cache small
    if (this.tensorCache.size > 256) this.tensorCache.clear();
    this.tensorCache.set(key, t);
    return t;
  }
}
