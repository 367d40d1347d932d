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

/** Queued bins of one stream, their CSR arrays held flat (the step's loops read them per slot). */
interface Job {
  count: number;
  excOffsets: Int32Array;
  inhOffsets: Int32Array;
  excIds: Int32Array;
  inhIds: Int32Array;
  firstBin: number;
  /** bins of this job already in a run (their inputs taken) */
  done: number;
  /** bins of this job whose outputs are in `out` (the rest of those done wait in the stage) */
  flushed: number;
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
  /** bins submitted so far: the first bin of the next submission */
  binsSubmitted = 0;
  closed = false;

  constructor(readonly id: number) {}
}

/** Longest stretch of stepping before the scheduler lets the event loop run, ms. */
const SLICE_MS = 2;

const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Bins of outputs held per slot before they are written to the slots' jobs. One bin per run, the
 * run's outputs are copied as they come (one row of the stage for all slots) and each job's are
 * written out every STAGE bins or when it completes, so that a run does not touch every stream's
 * output arrays.
 */
const STAGE = 64;

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
  /** the job each slot steps next (its stream's queue[0]), null when it has none */
  private readonly current: (Job | null)[] = [];
  /** jobs whose last bins are in the run being built, and their slots (set by fillInput) */
  private readonly finishing: Job[] = [];
  private finishingSlots = new Int32Array(64);
  /**
   * Staged outputs of one-bin runs, [bin mod STAGE][slot] (stageSlots per row): a slot's staged bins
   * are its job's bins from max(stagedFrom[slot], lastFlush) to binClock (a slot with a job is in
   * every run until the job completes, so they are contiguous).
   */
  private stageSlots = 0;
  private stageV = new Float32Array(0);
  private stageP = new Float32Array(0);
  private stagedFrom = new Float64Array(64);
  /** bins stepped by all runs so far */
  private binClock = 0;
  /** binClock when every slot's staged bins were last written out */
  private lastFlush = 0;
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
    if (stream.slot >= 0) this.current[stream.slot] = null;
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
      const job: Job = {
        count: bins.count,
        excOffsets: bins.excOffsets,
        inhOffsets: bins.inhOffsets,
        excIds: bins.exc.ids,
        inhIds: bins.inh.ids,
        firstBin,
        done: 0,
        flushed: 0,
        out,
        resolve,
        reject,
      };
      stream.queue.push(job);
      if (stream.queue.length === 1 && stream.slot >= 0) this.current[stream.slot] = job;
      if (!this.running) void this.pump();
    });
  }

  private place(s: SurrogateStream): void {
    s.slot = this.batch.addSlot();
    this.bySlot[s.slot] = s;
    this.current[s.slot] = s.queue[0] ?? null;
  }

  private unplace(s: SurrogateStream): void {
    if (s.slot < 0) return;
    const moved = this.batch.removeSlot(s.slot);
    if (moved !== s.slot) {
      const other = this.bySlot[moved];
      other.slot = s.slot;
      this.bySlot[s.slot] = other;
      // its staged bins stay in the column it leaves: written out first
      this.flushSlot(moved);
      this.current[s.slot] = this.current[moved];
      this.stagedFrom[s.slot] = this.binClock;
    }
    this.bySlot.length = this.batch.size;
    this.current.length = this.batch.size;
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
    const current = this.current;
    let T = this.maxBins;
    let busy = 0;
    for (let b = 0; b < n; b++) {
      const job = current[b];
      if (job === null) continue;
      busy++;
      const left = job.count - job.done;
      if (left < T) T = left;
    }
    this.busyRows = busy;
    if (busy === 0) return false;
    this.bins = T;
    if (this.offsets.length < n * T + 1) this.offsets = new Uint32Array(2 * n * T + 1);
    if (this.idle.length < n) this.idle = new Uint8Array(2 * n);
    if (this.stagedFrom.length < n) {
      const next = new Float64Array(2 * n);
      next.set(this.stagedFrom);
      this.stagedFrom = next;
    }
    if (this.finishingSlots.length < n) this.finishingSlots = new Int32Array(2 * n);
    const finishing = this.finishing;
    finishing.length = 0;
    const offsets = this.offsets;
    const idle = this.idle;
    const nExc = this.model.manifest.inputs.nExc;
    let ids = this.ids;
    let total = 0;
    for (let b = 0; b < n; b++) {
      const job = current[b];
      const row = b * T;
      if (job === null) {
        idle[b] = 1;
        for (let t = 0; t < T; t++) offsets[row + t] = total;
        continue;
      }
      idle[b] = 0;
      const { excOffsets, inhOffsets, excIds, inhIds } = job;
      const first = job.done;
      // a job's first bins: its outputs are staged from this run on
      if (first === 0) this.stagedFrom[b] = this.binClock;
      job.done = first + T;
      if (job.done === job.count) {
        this.finishingSlots[finishing.length] = b;
        finishing.push(job);
      }
      for (let t = 0, k = first; t < T; t++, k++) {
        offsets[row + t] = total;
        const e1 = excOffsets[k + 1];
        const i0 = inhOffsets[k];
        const i1 = inhOffsets[k + 1];
        let j = excOffsets[k];
        const need = total + (e1 - j) + (i1 - i0);
        if (need > ids.length) ids = this.growIds(need);
        for (; j < e1; j++) ids[total++] = excIds[j];
        for (j = i0; j < i1; j++) ids[total++] = nExc + inhIds[j];
      }
    }
    offsets[n * T] = total;
    return true;
  }

  private growIds(min: number): Uint32Array<ArrayBuffer> {
    const next = new Uint32Array(Math.max(min, 2 * this.ids.length));
    next.set(this.ids);
    this.ids = next;
    return next;
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
        this.current[b] = null;
      }
      return;
    }
    this.runs++;
    this.rowsStepped += this.busyRows * this.bins;
    if (this.bins === 1) this.stageRun(n);
    else this.writeRun(n);
    const current = this.current;
    const finishing = this.finishing;
    for (let i = 0; i < finishing.length; i++) {
      const b = this.finishingSlots[i];
      const job = finishing[i];
      // not current: its stream was closed while the batch stepped
      if (current[b] !== job) continue;
      this.flushSlot(b);
      const s = this.bySlot[b];
      s.queue.shift();
      current[b] = s.queue[0] ?? null;
      job.resolve(job.out);
    }
    finishing.length = 0;
  }

  /** A one-bin run's outputs into the stage (every slot's, the idle ones' unread). */
  private stageRun(n: number): void {
    if (this.stageSlots < n) {
      this.flushAll();
      this.stageSlots = Math.max(n, 2 * this.stageSlots);
      this.stageV = new Float32Array(STAGE * this.stageSlots);
      this.stageP = new Float32Array(STAGE * this.stageSlots);
    }
    if (this.binClock + 1 - this.lastFlush > STAGE) this.flushAll();
    const row = (this.binClock % STAGE) * this.stageSlots;
    this.stageV.set(this.batch.voltage.subarray(0, n), row);
    this.stageP.set(this.batch.spikeProb.subarray(0, n), row);
    this.binClock += 1;
  }

  /** A run of T > 1 bins: its outputs straight into the jobs (after what the stage holds). */
  private writeRun(n: number): void {
    this.flushAll();
    const voltage = this.batch.voltage;
    const prob = this.batch.spikeProb;
    const T = this.bins;
    const idle = this.idle;
    const current = this.current;
    for (let b = 0; b < n; b++) {
      if (idle[b]) continue;
      const job = current[b];
      if (job === null) continue;
      const { voltage: v, spikeProb: p } = job.out;
      const at = job.flushed;
      for (let t = 0, row = b * T; t < T; t++, row++) {
        v[at + t] = voltage[row];
        p[at + t] = prob[row];
      }
      job.flushed = at + T;
    }
    this.binClock += T;
    this.lastFlush = this.binClock;
  }

  /** Slot b's staged bins into its job's outputs. */
  private flushSlot(b: number): void {
    const job = this.current[b];
    if (job === null) return;
    const from = Math.max(this.stagedFrom[b], this.lastFlush);
    const count = this.binClock - from;
    if (count <= 0) return;
    const { voltage: v, spikeProb: p } = job.out;
    const { stageV, stageP } = this;
    const stride = this.stageSlots;
    const end = STAGE * stride;
    let at = job.flushed;
    for (let i = (from % STAGE) * stride + b, left = count; left > 0; left--, at++) {
      v[at] = stageV[i];
      p[at] = stageP[i];
      i += stride;
      if (i >= end) i -= end;
    }
    job.flushed = at;
    this.stagedFrom[b] = this.binClock;
  }

  /** Every slot's staged bins into its job's outputs. */
  private flushAll(): void {
    if (this.lastFlush === this.binClock) return;
    for (let b = 0; b < this.batch.size; b++) this.flushSlot(b);
    this.lastFlush = this.binClock;
  }
}
