/**
 * Steps every surrogate stream of one model together: each stream owns a slot (a row) of one
 * StreamBatch, and each step advances all streams that have bins waiting (the others are held
 * where they are), by as many bins as all of them have waiting, up to the batch's maxBins (the
 * resident kernels step blocks of bins, which is faster than bin by bin). Work submitted to one
 * stream is processed in order. Opening and closing take effect between runs.
 */
import type { BinnedSpikes } from '../core/spikes.js';
import { type EngineChoice, type StepInput, type StreamBatch, createStreamBatch } from './stream-batch.js';
import type { StepModel } from './step-model.js';

export interface SurrogateOutputs {
  firstBin: number;
  voltage: Float32Array;
  spikeProb: Float32Array;
}

interface Job {
  bins: BinnedSpikes;
  firstBin: number;
  /** bins of this job already stepped */
  done: number;
  out: SurrogateOutputs;
  resolve: (o: SurrogateOutputs) => void;
  reject: (e: Error) => void;
}

/** Told after each run: the streams it stepped and its wall time per bin, in seconds (for metrics). */
export type StepObserver = (busyRows: number, seconds: number) => void;

export class SurrogateStream {
  readonly queue: Job[] = [];
  /** row in the scheduler's batch; -1 until the stream is placed (between runs) */
  slot = -1;
  binsStepped = 0;
  /** bins submitted so far: the first bin of the next submission */
  binsSubmitted = 0;
  closed = false;

  constructor(readonly id: number) {}
}

/** Longest stretch of stepping before the scheduler lets the event loop run, ms. */
const SLICE_MS = 2;

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** How the scheduler's batch is stepped (see createStreamBatch). */
export interface BatchOptions {
  engine?: EngineChoice;
  shards?: number;
  /** most bins per step (default: as many as the batch can; 1: bin by bin) */
  maxBins?: number;
}

export class BatchScheduler {
  private readonly batch: StreamBatch;
  /** stream of each slot */
  private readonly bySlot: SurrogateStream[] = [];
  private readonly toPlace: SurrogateStream[] = [];
  private readonly toRemove: SurrogateStream[] = [];
  private nextId = 0;
  private running = false;
  private openCount = 0;
  // step input, reused across runs
  private offsets = new Uint32Array(65);
  private ids = new Uint32Array(256);
  private idle = new Uint8Array(64);
  /** streams with a bin in the run being built, and its bins per stream (set by fillInput) */
  private busyRows = 0;
  private bins = 1;
  private readonly maxBins: number;
  runs = 0;
  /** stream-bins stepped (idle rows not counted) */
  rowsStepped = 0;

  /** `initialCapacity`: rows preallocated at first (the batch grows as streams open). */
  constructor(
    readonly model: StepModel,
    initialCapacity = 64,
    private readonly observer?: StepObserver,
    batch: BatchOptions = {},
  ) {
    this.batch = createStreamBatch(model, initialCapacity, batch.engine ?? 'auto', batch.shards ?? 1);
    const cap = batch.maxBins ?? this.batch.maxBins;
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`maxBins must be a positive integer, got ${cap}`);
    this.maxBins = Math.min(cap, this.batch.maxBins);
  }

  /** Releases the batch's own resources (once every stream is closed). */
  dispose(): Promise<void> {
    return this.batch.dispose();
  }

  /** which engine steps the streams */
  get engine(): StreamBatch['engine'] {
    return this.batch.engine;
  }

  open(): SurrogateStream {
    const s = new SurrogateStream(this.nextId++);
    this.openCount++;
    if (this.running) this.toPlace.push(s);
    else this.place(s);
    return s;
  }

  /** Stops a stream; its pending work is rejected. */
  close(stream: SurrogateStream): void {
    if (stream.closed) return;
    stream.closed = true;
    this.openCount--;
    for (const job of stream.queue.splice(0)) job.reject(new Error('surrogate stream closed'));
    const waiting = this.toPlace.indexOf(stream);
    if (waiting >= 0) this.toPlace.splice(waiting, 1);
    else if (this.running) this.toRemove.push(stream);
    else this.unplace(stream);
  }

  get openStreams(): number {
    return this.openCount;
  }

  /** Queue bins for a stream; resolves with their outputs once all are stepped. */
  submit(stream: SurrogateStream, bins: BinnedSpikes): Promise<SurrogateOutputs> {
    if (stream.closed) return Promise.reject(new Error('surrogate stream closed'));
    const firstBin = stream.binsSubmitted;
    stream.binsSubmitted += bins.count;
    return new Promise<SurrogateOutputs>((resolve, reject) => {
      const out = {
        firstBin,
        voltage: new Float32Array(bins.count),
        spikeProb: new Float32Array(bins.count),
      };
      if (bins.count === 0) return resolve(out);
      stream.queue.push({ bins, firstBin, done: 0, out, resolve, reject });
      if (!this.running) void this.pump();
    });
  }

  private place(s: SurrogateStream): void {
    s.slot = this.batch.addSlot();
    this.bySlot[s.slot] = s;
  }

  private unplace(s: SurrogateStream): void {
    if (s.slot < 0) return;
    const moved = this.batch.removeSlot(s.slot);
    if (moved !== s.slot) {
      const other = this.bySlot[moved];
      other.slot = s.slot;
      this.bySlot[s.slot] = other;
    }
    this.bySlot.length = this.batch.size;
    s.slot = -1;
  }

  private applyPending(): void {
    for (const s of this.toRemove.splice(0)) this.unplace(s);
    for (const s of this.toPlace.splice(0)) this.place(s);
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      // the resident kernels step without leaving the microtask queue: first let the frames already
      // read in this turn of the event loop submit their work, so that their streams step together
      // (else the first submission's stream would step alone, one row per run) ...
      await nextTurn();
      let slice = performance.now();
      for (;;) {
        this.applyPending();
        if (!this.fillInput()) break;
        await this.stepOnce();
        // and give the event loop back every SLICE_MS (timers, other sockets), else a stream with a
        // deep queue would be stepped in one go while the rest of the server waits
        if (performance.now() - slice > SLICE_MS) {
          await nextTurn();
          slice = performance.now();
        }
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Builds the step input of every slot (row b·T + τ: slot b's bin τ, T the bins every busy stream
   * has waiting in its current job, at most maxBins); false when no stream has a bin waiting.
   */
  private fillInput(): boolean {
    const n = this.batch.size;
    let T = this.maxBins;
    let busy = 0;
    for (let b = 0; b < n; b++) {
      const job = this.bySlot[b].queue[0];
      if (!job) continue;
      busy++;
      T = Math.min(T, job.bins.count - job.done);
    }
    this.busyRows = busy;
    if (busy === 0) return false;
    this.bins = T;
    if (this.offsets.length < n * T + 1) this.offsets = new Uint32Array(2 * n * T + 1);
    if (this.idle.length < n) this.idle = new Uint8Array(2 * n);
    const nExc = this.model.manifest.inputs.nExc;
    let total = 0;
    for (let b = 0; b < n; b++) {
      const job = this.bySlot[b].queue[0];
      this.idle[b] = job ? 0 : 1;
      for (let t = 0; t < T; t++) {
        this.offsets[b * T + t] = total;
        if (!job) continue;
        const k = job.done + t;
        const { excOffsets, inhOffsets } = job.bins;
        const excIds = job.bins.exc.ids;
        const inhIds = job.bins.inh.ids;
        const need = total + (excOffsets[k + 1] - excOffsets[k]) + (inhOffsets[k + 1] - inhOffsets[k]);
        if (need > this.ids.length) this.growIds(need);
        for (let j = excOffsets[k]; j < excOffsets[k + 1]; j++) this.ids[total++] = excIds[j];
        for (let j = inhOffsets[k]; j < inhOffsets[k + 1]; j++) this.ids[total++] = nExc + inhIds[j];
      }
    }
    this.offsets[n * T] = total;
    return true;
  }

  private growIds(min: number): void {
    const next = new Uint32Array(Math.max(min, 2 * this.ids.length));
    next.set(this.ids);
    this.ids = next;
  }

  private async stepOnce(): Promise<void> {
    const n = this.batch.size;
    const input: StepInput = { offsets: this.offsets, ids: this.ids };
    const started = this.observer ? performance.now() : 0;
    try {
      await this.batch.step(input, this.idle, this.bins);
      this.observer?.(this.busyRows, (performance.now() - started) / 1000 / this.bins);
    } catch (err) {
      for (let b = 0; b < n; b++) {
        for (const job of this.bySlot[b].queue.splice(0)) job.reject(err as Error);
      }
      return;
    }
    this.runs++;
    const voltage = this.batch.voltage;
    const prob = this.batch.spikeProb;
    const T = this.bins;
    for (let b = 0; b < n; b++) {
      if (this.idle[b]) continue;
      const s = this.bySlot[b];
      if (s.closed) continue;
      const job = s.queue[0];
      const { voltage: v, spikeProb: p } = job.out;
      for (let t = 0; t < T; t++) {
        v[job.done + t] = voltage[b * T + t];
        p[job.done + t] = prob[b * T + t];
      }
      job.done += T;
      s.binsStepped += T;
      this.rowsStepped += T;
      if (job.done === job.bins.count) {
        s.queue.shift();
        job.resolve(job.out);
      }
    }
  }
}
