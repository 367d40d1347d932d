/**
 * A kernel batch split over worker threads, one KernelBatch per shard, so that a model too heavy
 * for one core uses them all: each step sends every shard its slots' input through shared memory
 * and the shards step at the same time. Slots are numbered 0..size-1 as in any StreamBatch; which
 * shard and row hold a slot is bookkeeping here (removing a slot never moves state between shards).
 * Workers are referenced only while a step is in flight, so an idle batch keeps no process alive.
 */
import { Worker } from 'node:worker_threads';
import { compiledModule } from '../../core/package-root.js';
import type { StepInput, StreamBatch } from '../stream-batch.js';
import type { StepModel } from '../step-model.js';
import { MAX_BLOCK, checkBins } from './stage.js';
import {
  ADD,
  REMOVE,
  type ShardBuffers,
  type ShardInit,
  type ShardReply,
  type ShardRequest,
} from './shard-protocol.js';

class Shard {
  readonly worker: Worker;
  /** global slot of each of this shard's rows */
  readonly globalOf: number[] = [];
  ops: number[] = [];
  buffers!: ShardBuffers;
  /** views on the buffers */
  words!: Uint32Array;
  flags!: Uint8Array;
  out!: Float32Array;
  private fresh = true;
  private waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private readonly ready: Promise<void>;
  private failure: Error | null = null;

  constructor(model: StepModel, capacity: number) {
    const init: ShardInit = { manifest: model.manifest, stepPath: model.stepPath, capacity };
    this.worker = new Worker(compiledModule('inference/kernels/shard-worker.js', import.meta.url), {
      workerData: init,
    });
    this.use(Shard.allocate(capacity, 1024));
    this.ready = new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    this.worker.on('message', (r: ShardReply) => {
      const w = this.waiting;
      this.waiting = null;
      this.worker.unref();
      if ('error' in r) w?.reject(new Error(r.error));
      else w?.resolve();
    });
    this.worker.on('error', (err) => {
      this.failure = err;
      this.waiting?.reject(err);
      this.waiting = null;
    });
  }

  private use(b: ShardBuffers): void {
    this.buffers = b;
    this.words = new Uint32Array(b.input);
    this.flags = new Uint8Array(b.idle);
    this.out = new Float32Array(b.output);
    this.fresh = true;
  }

  static allocate(capacity: number, ids: number): ShardBuffers {
    return {
      input: new SharedArrayBuffer(4 * (capacity + 1 + ids)),
      idle: new SharedArrayBuffer(capacity),
      output: new SharedArrayBuffer(8 * capacity),
      capacity,
    };
  }

  get size(): number {
    return this.globalOf.length;
  }

  /** Room for `rows` (slot, bin) rows and `ids` ids (new buffers travel with the next request). */
  ensure(rows: number, ids: number): void {
    const b = this.buffers;
    const idsRoom = b.input.byteLength / 4 - (b.capacity + 1);
    if (rows <= b.capacity && ids <= idsRoom) return;
    this.use(
      Shard.allocate(Math.max(rows, b.capacity * (rows > b.capacity ? 2 : 1)), Math.max(ids, 2 * idsRoom)),
    );
  }

  async request(step: ShardRequest['step']): Promise<void> {
    await this.ready;
    if (this.failure) throw this.failure;
    const req: ShardRequest = { ops: this.ops, step };
    if (this.fresh) req.buffers = this.buffers;
    this.ops = [];
    this.fresh = false;
    const done = new Promise<void>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    this.worker.ref();
    this.worker.postMessage(req);
    return done;
  }

  async close(): Promise<void> {
    try {
      await this.ready;
      this.worker.postMessage({ ops: [], dispose: true } satisfies ShardRequest);
    } finally {
      await this.worker.terminate();
    }
  }
}

export class ShardedBatch implements StreamBatch {
  readonly engine = 'kernels';
  readonly maxBins = MAX_BLOCK;
  private readonly shards: Shard[];
  /** per global slot: its shard and row */
  private shardOf = new Int32Array(64);
  private rowOf = new Int32Array(64);
  private slots = 0;
  private voltageBuf = new Float32Array(64);
  private probBuf = new Float32Array(64);
  private running = false;
  private readonly nIn: number;

  constructor(
    readonly model: StepModel,
    initialCapacity: number,
    shardCount: number,
  ) {
    if (!Number.isInteger(shardCount) || shardCount < 2)
      throw new RangeError(`a sharded batch needs at least 2 shards, got ${shardCount}`);
    this.nIn = model.nInputs;
    const perShard = Math.max(1, Math.ceil(initialCapacity / shardCount));
    this.shards = Array.from({ length: shardCount }, () => new Shard(model, perShard));
    this.growGlobal(initialCapacity);
  }

  get size(): number {
    return this.slots;
  }

  get voltage(): Float32Array {
    return this.voltageBuf;
  }

  get spikeProb(): Float32Array {
    return this.probBuf;
  }

  addSlot(): number {
    this.checkIdle('addSlot');
    let s = 0;
    for (let i = 1; i < this.shards.length; i++) if (this.shards[i].size < this.shards[s].size) s = i;
    const shard = this.shards[s];
    const g = this.slots++;
    if (g >= this.shardOf.length) this.growGlobal(2 * this.shardOf.length);
    this.shardOf[g] = s;
    this.rowOf[g] = shard.size;
    shard.globalOf.push(g);
    shard.ops.push(ADD);
    return g;
  }

  removeSlot(slot: number): number {
    this.checkIdle('removeSlot');
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots)
      throw new RangeError(`slot ${slot} is not in [0, ${this.slots})`);
    // inside its shard, the shard's last row moves into the freed row (as KernelBatch does)
    const shard = this.shards[this.shardOf[slot]];
    const row = this.rowOf[slot];
    const lastRow = shard.globalOf.length - 1;
    const movedInShard = shard.globalOf[lastRow];
    shard.globalOf[row] = movedInShard;
    this.rowOf[movedInShard] = row;
    shard.globalOf.pop();
    shard.ops.push(REMOVE, row);
    // globally, the last slot takes the freed number
    const last = --this.slots;
    if (last !== slot) {
      const s = this.shardOf[last];
      this.shardOf[slot] = s;
      this.rowOf[slot] = this.rowOf[last];
      this.shards[s].globalOf[this.rowOf[last]] = slot;
    }
    return last;
  }

  async step(input: StepInput, idle: Uint8Array | null = null, bins = 1): Promise<void> {
    const n = this.slots;
    if (n === 0) return;
    this.checkIdle('step');
    checkBins(bins);
    this.running = true;
    try {
      const { offsets, ids } = input;
      const nIn = this.nIn;
      for (let j = offsets[0]; j < offsets[n * bins]; j++) {
        // checked here, before any shard steps, so that a refused bin changes no shard
        if (ids[j] >= nIn) throw new RangeError(`synapse id ${ids[j]} is not in [0, ${nIn})`);
      }
      const pending: Promise<void>[] = [];
      for (const shard of this.shards) pending.push(this.send(shard, input, idle, bins));
      await Promise.all(pending);
      for (const shard of this.shards) {
        const out = shard.out;
        const cap = shard.buffers.capacity;
        const rows = shard.globalOf;
        for (let r = 0; r < rows.length; r++) {
          const from = r * bins;
          const to = rows[r] * bins;
          for (let t = 0; t < bins; t++) {
            this.voltageBuf[to + t] = out[from + t];
            this.probBuf[to + t] = out[cap + from + t];
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }

  /** Writes a shard's rows' input CSR and idle flags into its shared buffers, then rings it. */
  private send(shard: Shard, input: StepInput, idle: Uint8Array | null, bins: number): Promise<void> {
    const rows = shard.globalOf;
    const { offsets, ids } = input;
    let total = 0;
    for (const g of rows) total += offsets[(g + 1) * bins] - offsets[g * bins];
    shard.ensure(rows.length * bins, total);
    const { words, flags } = shard;
    const idsAt = shard.buffers.capacity + 1;
    let k = 0;
    for (let r = 0; r < rows.length; r++) {
      const g = rows[r];
      for (let t = 0; t < bins; t++) {
        words[r * bins + t] = k;
        for (let j = offsets[g * bins + t]; j < offsets[g * bins + t + 1]; j++) words[idsAt + k++] = ids[j];
      }
      flags[r] = idle ? idle[g] : 0;
    }
    words[rows.length * bins] = k;
    return shard.request(rows.length > 0 ? { n: rows.length, bins, idsAt } : undefined);
  }

  private checkIdle(what: string): void {
    if (this.running) throw new Error(`ShardedBatch.${what} while a step is running`);
  }

  private growGlobal(capacity: number): void {
    const kept = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(capacity);
      next.set(a.subarray(0, Math.min(a.length, capacity)));
      return next;
    };
    this.shardOf = kept(this.shardOf);
    this.rowOf = kept(this.rowOf);
    // outputs hold only the last step's values, which an addSlot invalidates anyway
    this.voltageBuf = new Float32Array(capacity * MAX_BLOCK);
    this.probBuf = new Float32Array(capacity * MAX_BLOCK);
  }
}
