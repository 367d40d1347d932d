/**
 * A kernel batch split over threads, one KernelBatch per shard, so that a model too heavy for one
 * core uses them all: shard 0 runs on the calling thread, the others in worker threads, all at
 * the same time. Each step writes every shard its slots' input (shared memory for the workers),
 * announces the workers' requests, steps shard 0, then waits for the workers' answers
 * (shard-protocol.ts: counters in shared memory, spun on before sleeping). Slots are numbered
 * 0..size-1 as in any StreamBatch; which shard and row hold a slot is bookkeeping here (removing a
 * slot never moves state between shards). Workers are referenced only while a step waits on
 * them, so an idle batch keeps no process alive.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { compiledModule } from '../../core/package-root.js';
import type { StepInput, StreamBatch } from '../stream-batch.js';
import type { StepModel } from '../step-model.js';
import { KernelBatch } from './kernel-batch.js';
import { MAX_BLOCK, checkBins } from './stage.js';
import {
  ADD,
  ANSWERED,
  CONTROL_WORDS,
  FAILED,
  PARENT_SPIN_MS,
  REMOVE,
  REQUESTED,
  type ShardBuffers,
  type ShardInit,
  type ShardReady,
  type ShardRequest,
  type ShardViews,
  carryOut,
  shardViews,
  spinWhile,
} from './shard-protocol.js';

type StepOrder = ShardRequest['step'];

/** How long close() lets a worker release its batch before it is terminated. */
const CLOSE_WAIT_MS = 10_000;

/** Atomics.waitAsync (Node 16+; not in this project's ES2022 library types). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync.bind(Atomics);

/** A shard's rows and the buffers its input and outputs go through. */
abstract class Shard {
  /** global slot of each of this shard's rows */
  readonly globalOf: number[] = [];
  /** slot changes not yet applied (ADD, or REMOVE and the row) */
  ops: number[] = [];
  buffers!: ShardBuffers;
  views!: ShardViews;
  /** the buffers are new since the last request */
  protected fresh = true;

  constructor(capacity: number) {
    this.use(Shard.allocate(capacity, 1024));
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

  /** Applies the slot changes and starts the step (shard 0 runs it before returning). */
  abstract request(step: StepOrder): void;
  /** Resolves when the last request is done, or rejects with why it failed. */
  abstract answer(): Promise<void>;
  abstract close(): Promise<void>;

  private use(b: ShardBuffers): void {
    this.buffers = b;
    this.views = shardViews(b);
    this.fresh = true;
  }
}

/** Shard 0: a KernelBatch on the calling thread. */
class LocalShard extends Shard {
  private readonly batch: KernelBatch;
  private failure: Error | null = null;

  constructor(model: StepModel, capacity: number) {
    super(capacity);
    this.batch = new KernelBatch(model, capacity);
  }

  request(step: StepOrder): void {
    this.failure = null;
    const ops = this.ops;
    this.ops = [];
    try {
      carryOut(this.batch, ops, step, this.views);
    } catch (err) {
      this.failure = err as Error;
    }
  }

  answer(): Promise<void> {
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }

  close(): Promise<void> {
    return this.batch.dispose();
  }
}

/** A shard in a worker thread (shard-worker.ts). */
class WorkerShard extends Shard {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private posted = 0;
  private readonly ready: Promise<void>;
  /** rejects when the worker dies (an error it did not catch, or its exit before close) */
  private readonly died: Promise<never>;
  private readonly exited: Promise<void>;
  private closing = false;
  private failure: Error | null = null;
  private holds = 0;

  constructor(model: StepModel, capacity: number) {
    super(capacity);
    const channel = new MessageChannel();
    this.port = channel.port1;
    const init: ShardInit = {
      manifest: model.manifest,
      stepPath: model.stepPath,
      capacity,
      control: this.control.buffer as SharedArrayBuffer,
      port: channel.port2,
    };
    this.worker = new Worker(compiledModule('inference/kernels/shard-worker.js', import.meta.url), {
      workerData: init,
      transferList: [channel.port2],
    });
    // referenced only while someone waits on it (held)
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (r: ShardReady) => {
        if ('error' in r) {
          // the worker ends here: its steps fail with this, not with its exit
          this.failure ??= new Error(`a shard could not start: ${r.error}`);
          reject(this.failure);
        } else resolve();
      });
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.died = new Promise((_, reject) => {
      this.worker.on('error', (err) => {
        this.failure = err;
        reject(err);
      });
      this.worker.on('exit', (code) => {
        if (this.closing) return;
        this.failure ??= new Error(`a shard worker exited (code ${code})`);
        reject(this.failure);
      });
    });
    // nobody may be waiting on these when the worker dies
    this.ready.catch(() => undefined);
    this.died.catch(() => undefined);
  }

  /** Waits for the worker to have made its batch (before the first request). */
  started(): Promise<void> {
    return this.held(Promise.race([this.ready, this.died]));
  }

  request(step: StepOrder): void {
    if (this.failure) return;
    const req: ShardRequest = { ops: this.ops, step };
    if (this.fresh) req.buffers = this.buffers;
    this.ops = [];
    this.fresh = false;
    this.send(req);
  }

  async answer(): Promise<void> {
    const c = this.control;
    for (;;) {
      if (this.failure) throw this.failure;
      const done = Atomics.load(c, ANSWERED);
      if (done === this.posted) break;
      if (spinWhile(c, ANSWERED, done, PARENT_SPIN_MS)) continue;
      // a slow shard: wait without holding the thread, and hear of the worker's death meanwhile
      const waiting = waitAsync(c, ANSWERED, done);
      if (waiting.async) await this.held(Promise.race([waiting.value, this.died]));
    }
    if (Atomics.load(c, FAILED) === this.posted) {
      const m = receiveMessageOnPort(this.port) as { message: { error: string } } | undefined;
      throw new Error(m?.message.error ?? 'a shard failed');
    }
  }

  async close(): Promise<void> {
    try {
      if (!this.failure) {
        await this.started();
        // the worker releases its batch and ends: its exit is the answer
        this.closing = true;
        this.send({ ops: [], dispose: true });
        await this.held(Promise.race([this.exited, delay(CLOSE_WAIT_MS, undefined, { ref: false })]));
      }
    } finally {
      this.port.close();
      await this.worker.terminate();
    }
  }

  /** `p`, with the worker keeping the process alive until it settles. */
  private async held<T>(p: Promise<T>): Promise<T> {
    if (this.holds++ === 0) this.worker.ref();
    try {
      return await p;
    } finally {
      if (--this.holds === 0) this.worker.unref();
    }
  }

  private send(req: ShardRequest): void {
    // the message first: the worker takes it as soon as it sees the counter move
    this.port.postMessage(req);
    this.posted++;
    Atomics.store(this.control, REQUESTED, this.posted);
    Atomics.notify(this.control, REQUESTED);
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
    this.shards = Array.from({ length: shardCount }, (_, i) =>
      i === 0 ? new LocalShard(model, perShard) : new WorkerShard(model, perShard),
    );
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
      // the workers first, so that they step while shard 0 does here
      for (let i = this.shards.length - 1; i >= 0; i--) this.send(this.shards[i], input, idle, bins);
      const answers = this.shards.map((shard) => shard.answer());
      await Promise.all(answers);
      for (const shard of this.shards) {
        const { out, capacity: cap } = shard.views;
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

  /** Writes a shard's rows' input CSR and idle flags into its buffers, then sends it the step. */
  private send(shard: Shard, input: StepInput, idle: Uint8Array | null, bins: number): void {
    const rows = shard.globalOf;
    const { offsets, ids } = input;
    let total = 0;
    for (const g of rows) total += offsets[(g + 1) * bins] - offsets[g * bins];
    shard.ensure(rows.length * bins, total);
    const { words, idle: flags } = shard.views;
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
    shard.request(rows.length > 0 ? { n: rows.length, bins, idsAt } : undefined);
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
