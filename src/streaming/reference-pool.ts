/**
 * The reference worker pool: a fixed number of worker threads started with the server, each running
 * the reference neurons of any number of sessions (reference-worker.ts). A session's reference goes
 * to the worker with the fewest sessions; building its cell happens in that thread, so opening a
 * session costs the event loop one postMessage. The workers load the cell code and build the
 * served models' cells once at start (prewarm). A worker that dies fails its sessions'
 * references (REFERENCE_FAILED) and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { BinnedSpikes } from '../core/spikes.js';
import type { ReferenceCallbacks, ReferenceInfo, ReferenceRunner } from './reference-runner.js';
import type { ReferenceOutputs, ReferenceStepperOptions } from './reference-stepper.js';
import type { ReferenceWorkerRequest } from './reference-worker.js';

type WorkerReply =
  | ({ type: 'ready'; id: number } & ReferenceInfo)
  | { type: 'out'; id: number; out: ReferenceOutputs }
  | { type: 'flushed'; id: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'warm' };

class PooledReferenceRunner implements ReferenceRunner {
  readonly mode = 'worker' as const;
  readonly ready: Promise<ReferenceInfo>;
  private settle!: { resolve(info: ReferenceInfo): void; reject(err: Error): void };
  private flushed: (() => void) | null = null;
  private stopped = false;

  constructor(
    readonly id: number,
    private readonly host: PoolWorker,
    private readonly cb: ReferenceCallbacks,
  ) {
    this.ready = new Promise<ReferenceInfo>((resolve, reject) => (this.settle = { resolve, reject }));
    this.ready.catch(() => undefined);
  }

  reply(msg: WorkerReply): void {
    if (this.stopped) return;
    switch (msg.type) {
      case 'ready':
        this.settle.resolve({
          nExc: msg.nExc,
          nInh: msg.nInh,
          outputDelay: msg.outputDelay,
          nDendrites: msg.nDendrites,
        });
        break;
      case 'out':
        this.cb.output(msg.out);
        break;
      case 'flushed':
        this.flushed?.();
        this.flushed = null;
        break;
      case 'error':
        this.failed(new Error(msg.message));
        break;
    }
  }

  failed(err: Error): void {
    if (this.stopped) return;
    this.settle.reject(err);
    this.cb.error(err);
    this.flushed?.();
    this.flushed = null;
  }

  push(bins: BinnedSpikes): void {
    if (!this.stopped) this.host.post({ type: 'bins', id: this.id, bins });
  }

  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushed = resolve;
      this.host.post({ type: 'flush', id: this.id });
    });
  }

  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.flushed?.();
    this.flushed = null;
    this.host.release(this);
    return Promise.resolve();
  }
}

class PoolWorker {
  private worker: Worker;
  readonly runners = new Map<number, PooledReferenceRunner>();
  /** resolves once the thread has loaded the cell code and built the prewarmed cells */
  warm!: Promise<void>;
  private closing = false;

  constructor(
    private readonly script: URL,
    private readonly workerData: { cellOptions: Record<string, unknown>; prewarm: string[] },
  ) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = new Worker(this.script, { workerData: this.workerData });
    // the pool never keeps the process alive by itself
    worker.unref();
    this.warm = new Promise<void>((resolve) => {
      worker.on('message', (msg: WorkerReply) => {
        if (msg.type === 'warm') return resolve();
        this.runners.get(msg.id)?.reply(msg);
      });
      worker.on('error', (err) => this.died(worker, err));
      worker.on('exit', (code) => {
        resolve();
        if (!this.closing) this.died(worker, new Error(`reference worker exited with code ${code}`));
      });
    });
    return worker;
  }

  private died(worker: Worker, err: Error): void {
    if (worker !== this.worker || this.closing) return;
    const lost = [...this.runners.values()];
    this.runners.clear();
    for (const r of lost) r.failed(new Error(`reference worker failed: ${err.message}`));
    void worker.terminate();
    this.worker = this.spawn();
  }

  get load(): number {
    return this.runners.size;
  }

  open(runner: PooledReferenceRunner, cell: string, dendrites: boolean): void {
    this.runners.set(runner.id, runner);
    this.post({ type: 'open', id: runner.id, cell, dendrites });
  }

  post(msg: ReferenceWorkerRequest): void {
    this.worker.postMessage(msg);
  }

  release(runner: PooledReferenceRunner): void {
    if (this.runners.get(runner.id) !== runner) return;
    this.runners.delete(runner.id);
    this.post({ type: 'stop', id: runner.id });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const r of this.runners.values()) void r.stop();
    await this.worker.terminate();
  }
}

export interface ReferencePoolOptions {
  /** worker threads (at least 1) */
  size: number;
  /** cell options of every reference (e.g. the integration `method` and `dt`) */
  cellOptions?: Record<string, unknown>;
  /** cells built once in every worker at start */
  prewarm?: string[];
}

export class ReferencePool {
  private readonly workers: PoolWorker[];
  private nextId = 1;

  constructor(script: URL, options: ReferencePoolOptions) {
    if (!(Number.isInteger(options.size) && options.size >= 1))
      throw new RangeError(`referenceWorkers must be a positive integer, got ${options.size}`);
    const data = { cellOptions: options.cellOptions ?? {}, prewarm: options.prewarm ?? [] };
    this.workers = Array.from({ length: options.size }, () => new PoolWorker(script, data));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Resolves once every worker has started and built its prewarmed cells. */
  async warm(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.warm));
  }

  /** reference sessions per worker */
  get loads(): number[] {
    return this.workers.map((w) => w.load);
  }

  start(cell: string, callbacks: ReferenceCallbacks, options: ReferenceStepperOptions = {}): ReferenceRunner {
    let host = this.workers[0];
    for (const w of this.workers) if (w.load < host.load) host = w;
    const runner = new PooledReferenceRunner(this.nextId++, host, callbacks);
    host.open(runner, cell, options.dendrites ?? false);
    return runner;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
