/**
 * Steps many surrogate streams of one model together: each `run` of step.onnx advances up to
 * `maxBatch` streams by one bin (one row of the batch axis each). Every stream owns its state
 * (zeros at open); work submitted to one stream is processed in order.
 */
import ort from 'onnxruntime-node';
import type { BinnedSpikes } from '../core/spikes.js';
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

export class SurrogateStream {
  /** per state tensor, this stream's row */
  readonly state: Float32Array[];
  readonly queue: Job[] = [];
  binsStepped = 0;
  /** bins submitted so far: the first bin of the next submission */
  binsSubmitted = 0;
  closed = false;

  constructor(
    readonly id: number,
    model: StepModel,
  ) {
    this.state = model.states.map((s) => new Float32Array(s.rowSize));
  }
}

/** Preallocated tensors for one batch size (views on the shared buffers). */
interface BatchTensors {
  feeds: Record<string, ort.Tensor>;
}

export class BatchScheduler {
  private readonly streams: SurrogateStream[] = [];
  private nextId = 0;
  private running = false;
  /** batch input, maxBatch rows of nExc + nInh zeros/ones */
  private readonly input: Float32Array;
  private readonly stateBuffers: Float32Array[];
  private readonly tensorsByBatch = new Map<number, BatchTensors>();
  private readonly active: SurrogateStream[] = [];
  /** round-robin start, so that more than maxBatch streams share fairly */
  private cursor = 0;
  runs = 0;
  rowsStepped = 0;

  constructor(
    readonly model: StepModel,
    readonly maxBatch = 64,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer`);
    this.input = new Float32Array(maxBatch * model.nInputs);
    this.stateBuffers = model.states.map((s) => new Float32Array(maxBatch * s.rowSize));
  }

  open(): SurrogateStream {
    const s = new SurrogateStream(this.nextId++, this.model);
    this.streams.push(s);
    return s;
  }

  /** Stops a stream; its pending work is rejected. */
  close(stream: SurrogateStream): void {
    stream.closed = true;
    const at = this.streams.indexOf(stream);
    if (at >= 0) this.streams.splice(at, 1);
    for (const job of stream.queue.splice(0)) job.reject(new Error('surrogate stream closed'));
  }

  get openStreams(): number {
    return this.streams.length;
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

  private tensorsFor(batch: number): BatchTensors {
    let t = this.tensorsByBatch.get(batch);
    if (!t) {
      const nIn = this.model.nInputs;
      const feeds: Record<string, ort.Tensor> = {};
      if (this.model.inputForm === 'input')
        feeds.input = new ort.Tensor('float32', this.input.subarray(0, batch * nIn), [batch, nIn]);
      this.model.states.forEach((s, i) => {
        feeds[s.inputName] = new ort.Tensor('float32', this.stateBuffers[i].subarray(0, batch * s.rowSize), [
          batch,
          ...s.rowShape,
        ]);
      });
      t = { feeds };
      this.tensorsByBatch.set(batch, t);
    }
    return t;
  }

  private pickActive(): void {
    this.active.length = 0;
    const all = this.streams;
    const n = all.length;
    for (let k = 0; k < n && this.active.length < this.maxBatch; k++) {
      const s = all[(this.cursor + k) % n];
      if (s.queue.length > 0) this.active.push(s);
    }
    this.cursor = n > 0 ? (this.cursor + 1) % n : 0;
  }

  private async pump(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        this.pickActive();
        if (this.active.length === 0) break;
        await this.stepActive();
      }
    } finally {
      this.running = false;
    }
  }

  /** One run: gather inputs and states of the active streams, step, scatter back. */
  private async stepActive(): Promise<void> {
    const batch = this.active.length;
    const nIn = this.model.nInputs;
    const nExc = this.model.manifest.inputs.nExc;
    const states = this.model.states;
    for (let b = 0; b < batch; b++) {
      const s = this.active[b];
      const job = s.queue[0];
      const k = job.done;
      const row = b * nIn;
      const { excOffsets, inhOffsets } = job.bins;
      const excIds = job.bins.exc.ids;
      const inhIds = job.bins.inh.ids;
      for (let j = excOffsets[k]; j < excOffsets[k + 1]; j++) this.input[row + excIds[j]] = 1;
      for (let j = inhOffsets[k]; j < inhOffsets[k + 1]; j++) this.input[row + nExc + inhIds[j]] = 1;
      for (let i = 0; i < states.length; i++) this.stateBuffers[i].set(s.state[i], b * states[i].rowSize);
    }
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      const feeds = this.tensorsFor(batch).feeds;
      results = await this.model.session.run(
        this.model.inputForm === 'active' ? { ...feeds, active: this.activeIds(batch) } : feeds,
      );
    } catch (err) {
      for (const s of this.active) {
        for (const job of s.queue.splice(0)) job.reject(err as Error);
      }
      return;
    } finally {
      this.clearInputRows(batch);
    }
    this.runs++;
    this.rowsStepped += batch;
    const voltage = results.voltage.data as Float32Array;
    const prob = results.spike_prob.data as Float32Array;
    for (let b = 0; b < batch; b++) {
      const s = this.active[b];
      if (s.closed) continue;
      for (let i = 0; i < states.length; i++) {
        const size = states[i].rowSize;
        s.state[i].set(
          (results[states[i].outputName].data as Float32Array).subarray(b * size, (b + 1) * size),
        );
      }
      const job = s.queue[0];
      job.out.voltage[job.done] = voltage[b];
      job.out.spikeProb[job.done] = prob[b];
      job.done++;
      s.binsStepped++;
      if (job.done === job.bins.count) {
        s.queue.shift();
        job.resolve(job.out);
      }
    }
  }

  /** The spiking ids of each active stream's current bin, padded with nInputs ('no synapse'). */
  private activeIds(batch: number): ort.Tensor {
    const nExc = this.model.manifest.inputs.nExc;
    let slots = 1;
    for (let b = 0; b < batch; b++) {
      const job = this.active[b].queue[0];
      const k = job.done;
      const n =
        job.bins.excOffsets[k + 1] -
        job.bins.excOffsets[k] +
        job.bins.inhOffsets[k + 1] -
        job.bins.inhOffsets[k];
      if (n > slots) slots = n;
    }
    const ids = new BigInt64Array(batch * slots).fill(BigInt(this.model.nInputs));
    for (let b = 0; b < batch; b++) {
      const job = this.active[b].queue[0];
      const k = job.done;
      const { excOffsets, inhOffsets } = job.bins;
      const excIds = job.bins.exc.ids;
      const inhIds = job.bins.inh.ids;
      let o = b * slots;
      for (let j = excOffsets[k]; j < excOffsets[k + 1]; j++) ids[o++] = BigInt(excIds[j]);
      for (let j = inhOffsets[k]; j < inhOffsets[k + 1]; j++) ids[o++] = BigInt(nExc + inhIds[j]);
    }
    return new ort.Tensor('int64', ids, [batch, slots]);
  }

  /** Put the ones written for this step back to zero (cheaper than refilling the whole batch). */
  private clearInputRows(batch: number): void {
    const nIn = this.model.nInputs;
    const nExc = this.model.manifest.inputs.nExc;
    for (let b = 0; b < batch; b++) {
      const job = this.active[b].queue[0];
      if (!job) {
        this.input.fill(0, b * nIn, (b + 1) * nIn);
        continue;
      }
      const k = job.done;
      const row = b * nIn;
      const { excOffsets, inhOffsets } = job.bins;
      const excIds = job.bins.exc.ids;
      const inhIds = job.bins.inh.ids;
      for (let j = excOffsets[k]; j < excOffsets[k + 1]; j++) this.input[row + excIds[j]] = 0;
      for (let j = inhOffsets[k]; j < inhOffsets[k + 1]; j++) this.input[row + nExc + inhIds[j]] = 0;
    }
  }
}
