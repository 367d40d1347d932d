/**
 * One client's stream, independent of the transport: Open picks a model (and optionally starts the
 * reference neuron), InputChunks must continue exactly where the previous one ended, each accepted
 * chunk yields a surrogate OutputChunk (paced at 1 bin/ms with the REALTIME clock) and, with the
 * reference on, reference OutputChunks that follow whenever the reference catches up. Close flushes
 * and reports a summary; the session can then be opened again.
 */
import { Subject, concatMap, from, type Subscription } from 'rxjs';
import type { BatchScheduler, SurrogateOutputs, SurrogateStream } from '../inference/batch-scheduler.js';
import { emptyBins, findBadSynapse, flattenBins, type BinnedSpikes } from '../core/spikes.js';
import type { ModelManifest } from '../core/manifest.js';
import type { ModelRegistry } from '../registry/registry.js';
import {
  ProtocolError,
  clip,
  type ClientMessage,
  type ClockName,
  type InputChunkMsg,
  type OpenMsg,
  type OutputChunkMsg,
  type ServerMessage,
} from '../../proto/messages.js';
import type { ModelPool } from './model-pool.js';
import { RealtimePacer, type Pacable } from './pacer.js';
import { DEFAULT_REFRACTORY_MS, SpikeEventDetector } from '../surrogate/spike-events.js';
import type { ReferenceLauncher } from './reference-launcher.js';
import type { ReferenceRunner } from './reference-runner.js';
import type { ReferenceOutputs } from './reference-stepper.js';

export interface SessionLimits {
  maxBinsPerChunk: number;
  maxFrameBytes: number;
  /** most neurons one multi-neuron session may open */
  maxNeuronsPerSession: number;
}

export interface SessionDeps {
  registry: ModelRegistry;
  pool: ModelPool;
  references: ReferenceLauncher;
  /** served when an open names no model (null: a model must be named) */
  defaultModel: string | null;
  limits: SessionLimits;
  /** admission control across all sessions: false when the server is full */
  acquireSlot(): boolean;
  releaseSlot(): void;
}

/** Sends one server message; `binary` picks protobuf or JSON. */
export type SendFn = (msg: ServerMessage, binary: boolean) => void;

/** Surrogate outputs of some bins; with several neurons the arrays are neuron-major. */
class SurrogateChunk implements Pacable {
  constructor(
    readonly firstBin: number,
    readonly voltage: Float32Array,
    readonly spikeProb: Float32Array,
    readonly spike: Uint8Array,
    readonly neurons = 1,
  ) {}
  get count(): number {
    return this.voltage.length / this.neurons;
  }
  slice(from: number, to: number): SurrogateChunk {
    if (this.neurons === 1)
      return new SurrogateChunk(
        this.firstBin + from,
        this.voltage.subarray(from, to),
        this.spikeProb.subarray(from, to),
        this.spike.subarray(from, to),
      );
    const n = this.count;
    const part = <A extends Float32Array | Uint8Array>(a: A, out: A): A => {
      for (let i = 0; i < this.neurons; i++) out.set(a.subarray(i * n + from, i * n + to), i * (to - from));
      return out;
    };
    const size = (to - from) * this.neurons;
    return new SurrogateChunk(
      this.firstBin + from,
      part(this.voltage, new Float32Array(size)),
      part(this.spikeProb, new Float32Array(size)),
      part(this.spike, new Uint8Array(size)),
      this.neurons,
    );
  }
}

interface OpenState {
  manifest: ModelManifest;
  scheduler: BatchScheduler;
  /** one surrogate stream per neuron of the session */
  streams: SurrogateStream[];
  clock: ClockName;
  reference: ReferenceRunner | null;
  /** dendritic voltages per reference bin (0 unless the open asked for them) */
  nDendrites: number;
  pacer: RealtimePacer<SurrogateChunk> | null;
  /** per neuron: turns the surrogate's spike probability into one event per predicted spike */
  spikes: SpikeEventDetector[];
  nextBin: number;
  /** settles after the last submitted chunk's surrogate output was handled */
  surrogateTail: Promise<void>;
  surrogateSent: number;
  referenceSent: number;
  surrogateSpikes: number;
  referenceSpikes: number;
  startedAt: number;
}

export class Session {
  private readonly inbox = new Subject<{ msg: ClientMessage; binary: boolean }>();
  private readonly subscription: Subscription;
  private state: OpenState | null = null;
  private binary = true;
  private disposed = false;

  constructor(
    readonly id: string,
    private readonly deps: SessionDeps,
    private readonly send: SendFn,
  ) {
    // messages are handled strictly one after the other (an Open that loads a model delays the
    // chunks behind it); handlers only wait for admission, not for outputs
    this.subscription = this.inbox
      .pipe(concatMap(({ msg, binary }) => from(this.handle(msg, binary))))
      .subscribe({
        error: (err: unknown) => this.fail(new ProtocolError('INTERNAL', String(err)), this.binary),
      });
  }

  get isOpen(): boolean {
    return this.state !== null;
  }

  /** Queue a decoded client message. */
  receive(msg: ClientMessage, binary: boolean): void {
    if (!this.disposed) this.inbox.next({ msg, binary });
  }

  /** Report a problem to the client (the session stays usable). */
  fail(err: ProtocolError, binary: boolean): void {
    if (this.disposed) return;
    this.send(
      { error: { code: err.code, message: err.message, ...(err.bin !== undefined ? { bin: err.bin } : {}) } },
      binary,
    );
  }

  /** The socket went away: stop everything without replying. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.subscription.unsubscribe();
    await this.teardown();
  }

  private async handle(msg: ClientMessage, binary: boolean): Promise<void> {
    try {
      if ('open' in msg) await this.open(msg.open, binary);
      else if ('inputChunk' in msg) this.input(msg.inputChunk);
      else await this.close(binary);
    } catch (err) {
      const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', (err as Error).message);
      this.fail(e, binary);
    }
  }

  private async open(o: OpenMsg, binary: boolean): Promise<void> {
    if (this.state)
      throw new ProtocolError('ALREADY_OPEN', `session ${this.id} is already open; send close first`);
    const neurons = o.neurons !== undefined && o.neurons > 1 ? o.neurons : 1;
    if (neurons > this.deps.limits.maxNeuronsPerSession)
      throw new ProtocolError(
        'BAD_OPEN',
        `open.neurons is ${neurons}, the limit is ${this.deps.limits.maxNeuronsPerSession}`,
      );
    if (neurons > 1 && o.reference)
      throw new ProtocolError('BAD_OPEN', 'the reference neuron is available in single-neuron sessions only');
    const asked = o.model || this.deps.defaultModel;
    const id = asked ? this.deps.registry.resolve(asked) : asked;
    const known = this.deps.registry.ids();
    const available = `available: ${known.length ? known.join(', ') : 'none'}`;
    if (!id)
      throw new ProtocolError(
        'UNKNOWN_MODEL',
        `open names no model and the server has no default (${available})`,
      );
    const model = this.deps.registry.get(id);
    const pending = this.deps.pool.scheduler(id);
    if (!model || !pending) {
      const what = o.model ? `no model '${clip(id)}'` : `the default model '${id}' is not installed`;
      throw new ProtocolError('UNKNOWN_MODEL', `${what} (${available})`);
    }
    if (o.dendrites && !o.reference) {
      throw new ProtocolError(
        'BAD_OPEN',
        'open.dendrites needs reference: true (they come from the reference cell)',
      );
    }
    if (!this.deps.acquireSlot()) {
      throw new ProtocolError('TOO_MANY_SESSIONS', 'the server has no free session slot; try again later');
    }
    let reference: ReferenceRunner | null = null;
    try {
      const scheduler = await pending;
      const manifest = model.manifest;
      let nDendrites = 0;
      if (o.reference) {
        const started = await this.startReference(manifest, o.dendrites ?? false);
        reference = started.runner;
        nDendrites = started.nDendrites;
      }
      const clock = o.clock ?? 'ASAP';
      const state: OpenState = {
        manifest,
        scheduler,
        streams: Array.from({ length: neurons }, () => scheduler.open()),
        clock,
        reference,
        nDendrites,
        pacer: null,
        spikes: Array.from(
          { length: neurons },
          () =>
            new SpikeEventDetector({
              threshold: manifest.spikeThreshold,
              refractoryBins: manifest.spikeEvents?.refractoryMs ?? DEFAULT_REFRACTORY_MS,
            }),
        ),
        nextBin: 0,
        surrogateTail: Promise.resolve(),
        surrogateSent: 0,
        referenceSent: 0,
        surrogateSpikes: 0,
        referenceSpikes: 0,
        startedAt: performance.now(),
      };
      if (clock === 'REALTIME')
        state.pacer = new RealtimePacer((c) => this.emitSurrogate(state, c as SurrogateChunk));
      this.state = state;
      this.binary = binary;
    } catch (err) {
      this.deps.releaseSlot();
      await reference?.stop();
      throw err;
    }
    const m = this.state.manifest;
    this.send(
      {
        opened: {
          session: this.id,
          model: {
            id: m.id,
            neuron: m.neuron,
            nExc: m.inputs.nExc,
            nInh: m.inputs.nInh,
            receptiveField: m.receptiveField,
            spikeThreshold: m.spikeThreshold,
            architecture: m.architecture.name,
          },
          referenceCell: o.reference ? m.neuron : '',
          clock: this.state.clock,
          ...(o.tag !== undefined ? { tag: o.tag } : {}),
          maxBinsPerChunk: this.deps.limits.maxBinsPerChunk,
          maxFrameBytes: this.deps.limits.maxFrameBytes,
          ...(this.state.nDendrites > 0 ? { nDendrites: this.state.nDendrites } : {}),
          neurons: this.state.streams.length,
          maxNeuronsPerSession: this.deps.limits.maxNeuronsPerSession,
        },
      },
      binary,
    );
  }

  private async startReference(
    manifest: ModelManifest,
    dendrites: boolean,
  ): Promise<{ runner: ReferenceRunner; nDendrites: number }> {
    const runner = this.deps.references.start(
      manifest.neuron,
      {
        output: (out) => this.emitReference(out),
        error: (err) => this.referenceFailed(err),
      },
      { dendrites },
    );
    try {
      const info = await runner.ready;
      if (info.nExc !== manifest.inputs.nExc || info.nInh !== manifest.inputs.nInh) {
        throw new Error(
          `reference cell '${manifest.neuron}' has ${info.nExc}/${info.nInh} synapses, the model ${manifest.inputs.nExc}/${manifest.inputs.nInh}`,
        );
      }
      return { runner, nDendrites: info.nDendrites };
    } catch (err) {
      await runner.stop();
      throw new ProtocolError(
        'REFERENCE_FAILED',
        `cannot start the reference neuron: ${(err as Error).message}`,
      );
    }
  }

  private input(chunk: InputChunkMsg): void {
    const s = this.state;
    if (!s) throw new ProtocolError('NOT_OPEN', 'send open before input chunks');
    const multi = chunk.neuronInputs !== undefined;
    if (!multi && s.streams.length > 1)
      throw new ProtocolError(
        'BAD_NEURON',
        `this session has ${s.streams.length} neurons: send binCount and neuronInputs`,
        chunk.firstBin,
      );
    const n = multi ? (chunk.binCount ?? 0) : chunk.bins.length;
    if (n > this.deps.limits.maxBinsPerChunk) {
      throw new ProtocolError(
        'CHUNK_TOO_LARGE',
        `chunk holds ${n} bins, the limit is ${this.deps.limits.maxBinsPerChunk}`,
        chunk.firstBin,
      );
    }
    if (chunk.firstBin !== s.nextBin) {
      throw new ProtocolError(
        'BIN_ORDER',
        `chunk starts at bin ${chunk.firstBin}, expected ${s.nextBin} (bins must be contiguous and in order)`,
        chunk.firstBin,
      );
    }
    const perNeuron = multi
      ? this.neuronBins(s, chunk, n)
      : [this.checkedBins(s, chunk.bins, chunk.firstBin, '')];
    if (n === 0) return;
    s.nextBin += n;
    const done =
      perNeuron.length === 1
        ? s.scheduler.submit(s.streams[0], perNeuron[0])
        : Promise.all(perNeuron.map((f, i) => s.scheduler.submit(s.streams[i], f))).then((outs) =>
            neuronMajor(outs, n),
          );
    s.surrogateTail = s.surrogateTail.then(() =>
      done.then((out) => this.surrogateReady(s, out, perNeuron.length)),
    );
    s.surrogateTail = s.surrogateTail.catch((err: Error) => {
      if (this.state === s)
        this.fail(new ProtocolError('INTERNAL', `surrogate failed: ${err.message}`), this.binary);
    });
    // the worker receives a structured clone; the inline runner only reads the bins
    s.reference?.push(perNeuron[0]);
  }

  private checkedBins(
    s: OpenState,
    bins: InputChunkMsg['bins'],
    firstBin: number,
    who: string,
  ): BinnedSpikes {
    const flat = flattenBins(bins);
    const bad = findBadSynapse(flat, s.manifest.inputs.nExc, s.manifest.inputs.nInh);
    if (bad)
      throw new ProtocolError(
        'BAD_SYNAPSE',
        `${who}bin ${firstBin + bad.bin}: ${bad.text}`,
        firstBin + bad.bin,
      );
    return flat;
  }

  /** The bins of every neuron of a multi-neuron chunk (no input: empty bins). */
  private neuronBins(s: OpenState, chunk: InputChunkMsg, n: number): BinnedSpikes[] {
    const N = s.streams.length;
    const out: (BinnedSpikes | undefined)[] = new Array(N);
    for (const ni of chunk.neuronInputs ?? []) {
      if (!(ni.neuron < N))
        throw new ProtocolError('BAD_NEURON', `neuron ${ni.neuron} is not in [0, ${N})`, chunk.firstBin);
      if (out[ni.neuron])
        throw new ProtocolError(
          'BAD_NEURON',
          `neuron ${ni.neuron} is listed twice in one chunk`,
          chunk.firstBin,
        );
      if (ni.bins.length !== n)
        throw new ProtocolError(
          'BAD_NEURON',
          `neuron ${ni.neuron} has ${ni.bins.length} bins, the chunk's binCount is ${n}`,
          chunk.firstBin,
        );
      out[ni.neuron] = this.checkedBins(s, ni.bins, chunk.firstBin, `neuron ${ni.neuron} `);
    }
    const empty = emptyBins(n);
    return Array.from(out, (f) => f ?? empty);
  }

  private surrogateReady(s: OpenState, out: SurrogateOutputs, neurons: number): void {
    if (this.state !== s) return;
    const spike = new Uint8Array(out.spikeProb.length);
    // neuron-major: neuron i's bins are [i * bins, (i + 1) * bins), each with its own detector
    const bins = spike.length / neurons;
    for (let i = 0; i < neurons; i++) {
      const detector = s.spikes[i];
      for (let k = i * bins; k < (i + 1) * bins; k++) spike[k] = detector.step(out.spikeProb[k]) ? 1 : 0;
    }
    const chunk = new SurrogateChunk(out.firstBin, out.voltage, out.spikeProb, spike, neurons);
    if (s.pacer) s.pacer.push(chunk);
    else this.emitSurrogate(s, chunk);
  }

  private emitSurrogate(s: OpenState, c: SurrogateChunk): void {
    s.surrogateSent += c.count;
    for (let i = 0; i < c.spike.length; i++) s.surrogateSpikes += c.spike[i];
    this.sendChunk({
      source: 'SURROGATE',
      firstBin: c.firstBin,
      voltage: c.voltage,
      spikeProb: c.spikeProb,
      spike: c.spike,
      referenceLagBins: s.reference ? Math.max(0, s.surrogateSent - s.referenceSent) : 0,
      ...(c.neurons > 1 ? { neurons: c.neurons } : {}),
    });
  }

  private emitReference(out: ReferenceOutputs): void {
    const s = this.state;
    if (!s || out.voltage.length === 0) return;
    s.referenceSent += out.voltage.length;
    for (let i = 0; i < out.spike.length; i++) s.referenceSpikes += out.spike[i];
    this.sendChunk({
      source: 'REFERENCE',
      firstBin: out.firstBin,
      voltage: out.voltage,
      spikeProb: EMPTY,
      spike: out.spike,
      referenceLagBins: Math.max(0, s.surrogateSent - s.referenceSent),
      ...(out.dendriticVoltage ? { dendriticVoltage: out.dendriticVoltage } : {}),
    });
  }

  private referenceFailed(err: Error): void {
    const s = this.state;
    if (!s || !s.reference) return;
    const runner = s.reference;
    s.reference = null;
    void runner.stop();
    this.fail(new ProtocolError('REFERENCE_FAILED', `reference stopped: ${err.message}`), this.binary);
  }

  private sendChunk(chunk: OutputChunkMsg): void {
    if (!this.disposed) this.send({ outputChunk: chunk }, this.binary);
  }

  private async close(binary: boolean): Promise<void> {
    const s = this.state;
    if (!s) throw new ProtocolError('NOT_OPEN', 'close without an open session');
    await s.surrogateTail;
    s.pacer?.drain();
    if (s.reference) {
      await s.reference.flush();
    }
    const summary = {
      bins: s.nextBin,
      surrogateSpikes: s.surrogateSpikes,
      referenceSpikes: s.referenceSpikes,
      referenceBins: s.referenceSent,
      wallMs: performance.now() - s.startedAt,
    };
    await this.teardown();
    this.send({ closed: summary }, binary);
  }

  private async teardown(): Promise<void> {
    const s = this.state;
    if (!s) return;
    this.state = null;
    s.pacer?.stop();
    for (const stream of s.streams) s.scheduler.close(stream);
    await s.reference?.stop();
    this.deps.releaseSlot();
  }

  /** For metrics and logs: bins accepted, bins accepted but not yet out as surrogate output, and the signed reference lag. */
  stats(): {
    open: boolean;
    reference: boolean;
    bins: number;
    queuedInputBins: number;
    referenceLagBins: number;
  } {
    const s = this.state;
    if (!s) return { open: false, reference: false, bins: 0, queuedInputBins: 0, referenceLagBins: 0 };
    return {
      open: true,
      reference: s.reference !== null,
      bins: s.nextBin,
      queuedInputBins: s.nextBin - s.surrogateSent,
      referenceLagBins: s.reference ? s.surrogateSent - s.referenceSent : 0,
    };
  }
}

const EMPTY = new Float32Array(0);

/** Outputs of several neurons for the same bins, concatenated neuron after neuron. */
function neuronMajor(outs: SurrogateOutputs[], n: number): SurrogateOutputs {
  const voltage = new Float32Array(outs.length * n);
  const spikeProb = new Float32Array(outs.length * n);
  outs.forEach((o, i) => {
    voltage.set(o.voltage, i * n);
    spikeProb.set(o.spikeProb, i * n);
  });
  return { firstBin: outs[0].firstBin, voltage, spikeProb };
}
