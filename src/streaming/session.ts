/**
 * One client's stream, independent of the transport: Open picks a model (and optionally starts the
 * reference neuron), InputChunks must continue exactly where the previous one ended, each accepted
 * chunk yields a surrogate OutputChunk (paced at 1 bin/ms with the REALTIME clock) and, with the
 * reference on, reference OutputChunks that follow whenever the reference catches up. Close flushes
 * and reports a summary; the session can then be opened again.
 */
import { Subject, concatMap, from, type Subscription } from 'rxjs';
import type { BatchScheduler, SurrogateOutputs, SurrogateStream } from '../inference/batch-scheduler.js';
import { findBadSynapse, flattenBins } from '../core/spikes.js';
import type { ModelManifest } from '../core/manifest.js';
import type { ModelRegistry } from '../registry/registry.js';
import {
  ProtocolError,
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

class SurrogateChunk implements Pacable {
  constructor(
    readonly firstBin: number,
    readonly voltage: Float32Array,
    readonly spikeProb: Float32Array,
    readonly spike: Uint8Array,
  ) {}
  get count(): number {
    return this.voltage.length;
  }
  slice(from: number, to: number): SurrogateChunk {
    return new SurrogateChunk(
      this.firstBin + from,
      this.voltage.subarray(from, to),
      this.spikeProb.subarray(from, to),
      this.spike.subarray(from, to),
    );
  }
}

interface OpenState {
  manifest: ModelManifest;
  scheduler: BatchScheduler;
  stream: SurrogateStream;
  clock: ClockName;
  reference: ReferenceRunner | null;
  pacer: RealtimePacer<SurrogateChunk> | null;
  /** turns the surrogate's spike probability into one event per predicted spike */
  spikes: SpikeEventDetector;
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
    const id = o.model || this.deps.defaultModel;
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
      const what = o.model ? `no model '${id}'` : `the default model '${id}' is not installed`;
      throw new ProtocolError('UNKNOWN_MODEL', `${what} (${available})`);
    }
    if (!this.deps.acquireSlot()) {
      throw new ProtocolError('TOO_MANY_SESSIONS', 'the server has no free session slot; try again later');
    }
    let reference: ReferenceRunner | null = null;
    try {
      const scheduler = await pending;
      const manifest = model.manifest;
      if (o.reference) reference = await this.startReference(manifest);
      const clock = o.clock ?? 'ASAP';
      const state: OpenState = {
        manifest,
        scheduler,
        stream: scheduler.open(),
        clock,
        reference,
        pacer: null,
        spikes: new SpikeEventDetector({
          threshold: manifest.spikeThreshold,
          refractoryBins: manifest.spikeEvents?.refractoryMs ?? DEFAULT_REFRACTORY_MS,
        }),
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
        },
      },
      binary,
    );
  }

  private async startReference(manifest: ModelManifest): Promise<ReferenceRunner> {
    const runner = this.deps.references.start(manifest.neuron, {
      output: (out) => this.emitReference(out),
      error: (err) => this.referenceFailed(err),
    });
    try {
      const info = await runner.ready;
      if (info.nExc !== manifest.inputs.nExc || info.nInh !== manifest.inputs.nInh) {
        throw new Error(
          `reference cell '${manifest.neuron}' has ${info.nExc}/${info.nInh} synapses, the model ${manifest.inputs.nExc}/${manifest.inputs.nInh}`,
        );
      }
      return runner;
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
    const n = chunk.bins.length;
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
    const flat = flattenBins(chunk.bins);
    const bad = findBadSynapse(flat, s.manifest.inputs.nExc, s.manifest.inputs.nInh);
    if (bad)
      throw new ProtocolError(
        'BAD_SYNAPSE',
        `bin ${chunk.firstBin + bad.bin}: ${bad.text}`,
        chunk.firstBin + bad.bin,
      );
    if (n === 0) return;
    s.nextBin += n;
    const done = s.scheduler.submit(s.stream, flat);
    s.surrogateTail = s.surrogateTail.then(() => done.then((out) => this.surrogateReady(s, out)));
    s.surrogateTail = s.surrogateTail.catch((err: Error) => {
      if (this.state === s)
        this.fail(new ProtocolError('INTERNAL', `surrogate failed: ${err.message}`), this.binary);
    });
    // the worker receives a structured clone; the inline runner only reads the bins
    s.reference?.push(flat);
  }

  private surrogateReady(s: OpenState, out: SurrogateOutputs): void {
    if (this.state !== s) return;
    const spike = new Uint8Array(out.spikeProb.length);
    for (let i = 0; i < spike.length; i++) spike[i] = s.spikes.step(out.spikeProb[i]) ? 1 : 0;
    const chunk = new SurrogateChunk(out.firstBin, out.voltage, out.spikeProb, spike);
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
    s.scheduler.close(s.stream);
    await s.reference?.stop();
    this.deps.releaseSlot();
  }
}

const EMPTY = new Float32Array(0);
