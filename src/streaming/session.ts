/**
 * One client's stream, independent of the transport: Open picks a model (and optionally starts the
 * reference neuron), InputChunks must continue exactly where the previous one ended, each accepted
 * chunk yields a surrogate OutputChunk and, with the reference on, reference OutputChunks that follow
 * whenever the reference catches up (with the REALTIME clock both sources are paced at 1 bin/ms by
 * one clock). Close flushes and reports a summary; the session can then be opened again.
 *
 * Flow control (proto/README.md, "Flow control"): a client may have `inputCreditBins` bins sent and
 * not yet answered by every source. A session that goes over its credit stops reading its
 * connection (TCP backpressure) until half the credit is free again; frames already read are still
 * taken up to twice the credit, a chunk beyond that is refused with INPUT_OVERRUN. A connection whose
 * decoded messages pile up behind a slow open or close stops being read too.
 */
import type { BatchScheduler, SurrogateOutputs, SurrogateStream } from '../inference/batch-scheduler.js';
import { emptyBins, findBadSynapse, flattenBins, type BinnedSpikes } from '../core/spikes.js';
import type { PackedInputChunk } from '../../proto/input-chunk-wire.js';
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
import { PaceClock, RealtimePacer, type Pacable } from './pacer.js';
import { DEFAULT_REFRACTORY_MS, SpikeEventDetector } from '../surrogate/spike-events.js';
import type { ReferenceLauncher } from './reference-launcher.js';
import type { ReferenceRunner } from './reference-runner.js';
import type { ReferenceOutputs } from './reference-stepper.js';

export interface SessionLimits {
  maxBinsPerChunk: number;
  maxFrameBytes: number;
  /** most neurons one multi-neuron session may open */
  maxNeuronsPerSession: number;
  /** bins accepted and not yet sent back by every source, at most (opened.inputCreditBins) */
  inputCreditBins: number;
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
  countFlow(event: FlowEvent): void;
}

/**
 * A decoded client message; a single-neuron input chunk read from protobuf straight into spike
 * trains (proto/input-chunk-wire.ts) comes as `packedChunk`.
 */
export type SessionMessage = ClientMessage | { packedChunk: PackedInputChunk };

/** Sends one server message; `binary` picks protobuf or JSON. */
export type SendFn = (msg: ServerMessage, binary: boolean) => void;

/** The session's connection. */
export interface SessionLink {
  send: SendFn;
  /** true: stop reading the client's frames (this session cannot take more now); false: read again */
  holdInput(hold: boolean): void;
}

/** decoded messages waiting behind a slow one (an open loading its model, a close) before reading stops */
const INBOX_HOLD = 64;
const INBOX_RESUME = 32;
/**
 * Messages read in one burst (a socket read holds many frames) are handled in slices of at most
 * this long, shared by all sessions, with the event loop let through in between (pacer ticks,
 * inference results, other sockets). A slice starts with the first message handled in a turn of
 * the event loop and ends with the turn.
 */
const SLICE_MS = 2;
const slice = { start: 0, open: false };

function closeSlice(): void {
  slice.open = false;
}

/** true when the messages handled in this turn of the event loop have held it for a slice */
function sliceSpent(): boolean {
  const now = performance.now();
  if (!slice.open) {
    slice.open = true;
    slice.start = now;
    setImmediate(closeSlice);
    return false;
  }
  return now - slice.start > SLICE_MS;
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
/** chunks read while over the credit are taken up to this multiple of it (frames already in flight) */
const OVERRUN_FACTOR = 2;

/** what the flow control did, counted per server */
export type FlowEvent = 'inputPause' | 'inputOverrun' | 'outputPause' | 'slowConsumer';

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

/** Reference outputs of some bins (dendritic voltages: bins × nDendrites, row-major). */
class ReferenceChunk implements Pacable {
  constructor(
    readonly firstBin: number,
    readonly voltage: Float32Array,
    readonly spike: Uint8Array,
    readonly dendriticVoltage: Float32Array | undefined,
  ) {}
  get count(): number {
    return this.voltage.length;
  }
  slice(from: number, to: number): ReferenceChunk {
    const d = this.dendriticVoltage;
    const D = d ? d.length / this.count : 0;
    return new ReferenceChunk(
      this.firstBin + from,
      this.voltage.subarray(from, to),
      this.spike.subarray(from, to),
      d?.subarray(from * D, to * D),
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
  /** REALTIME only: the pacers of both sources, on one clock */
  pacer: RealtimePacer<SurrogateChunk> | null;
  referencePacer: RealtimePacer<ReferenceChunk> | null;
  paceClock: PaceClock | null;
  /** per neuron: turns the surrogate's spike probability into one event per predicted spike */
  spikes: SpikeEventDetector[];
  nextBin: number;
  /** bins whose surrogate outputs were computed */
  surrogateComputed: number;
  /** settles after the last submitted chunk's surrogate output was handled */
  surrogateTail: Promise<void>;
  surrogateSent: number;
  referenceSent: number;
  surrogateSpikes: number;
  referenceSpikes: number;
  startedAt: number;
}

export class Session {
  /** decoded messages not yet handled, oldest first; handled strictly one after the other */
  private readonly inbox: { msg: SessionMessage; binary: boolean }[] = [];
  private draining = false;
  private state: OpenState | null = null;
  private binary = true;
  private disposed = false;
  private readonly send: SendFn;
  /** decoded messages not yet handled, and the bins of their input chunks */
  private inboxDepth = 0;
  private inboxBins = 0;
  private inboxHold = false;
  /** set when the session went over its credit, cleared when half the credit is free */
  private creditHold = false;
  private inputHeld = false;

  constructor(
    readonly id: string,
    private readonly deps: SessionDeps,
    private readonly link: SessionLink,
  ) {
    this.send = (msg, binary) => link.send(msg, binary);
  }

  /** the encoding of the session's replies (that of its open): true for protobuf */
  get binaryReplies(): boolean {
    return this.binary;
  }

  get isOpen(): boolean {
    return this.state !== null;
  }

  /** bins accepted whose surrogate outputs are not computed yet */
  get queuedInputBins(): number {
    const s = this.state;
    return s ? s.nextBin - s.surrogateComputed : 0;
  }

  /** surrogate bins sent − reference bins sent (negative: the reference is ahead; 0 without one) */
  get referenceLagBins(): number {
    const s = this.state;
    return s?.reference ? s.surrogateSent - s.referenceSent : 0;
  }

  /** bins accepted and not yet sent back by every source: what counts against the input credit */
  get outstandingBins(): number {
    const s = this.state;
    return s ? outstanding(s) : 0;
  }

  /** Queue a decoded client message. */
  receive(msg: SessionMessage, binary: boolean): void {
    if (this.disposed) return;
    this.inboxDepth++;
    this.inboxBins += inputBins(msg);
    // what was read counts against the credit before it is handled
    if (this.state) this.checkCredit(this.state);
    if (!this.inboxHold && this.inboxDepth >= INBOX_HOLD) {
      this.inboxHold = true;
      this.updateHold();
    }
    this.inbox.push({ msg, binary });
    if (!this.draining) void this.drain();
  }

  /**
   * Handles the queued messages in order (an Open that loads a model delays the chunks behind it;
   * handlers only wait for admission, not for outputs), letting the event loop through whenever
   * the messages of this turn have held it for a slice.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.inbox.length > 0 && !this.disposed) {
        if (sliceSpent()) {
          await nextTurn();
          continue;
        }
        const { msg, binary } = this.inbox.shift()!;
        // from here on the chunk counts as accepted (or is refused)
        this.inboxBins -= inputBins(msg);
        try {
          const pending = this.handle(msg, binary);
          if (pending) await pending;
        } finally {
          this.inboxDepth--;
          if (this.inboxHold && this.inboxDepth <= INBOX_RESUME) {
            this.inboxHold = false;
            this.updateHold();
          }
        }
      }
    } catch (err) {
      this.fail(new ProtocolError('INTERNAL', String(err)), this.binary);
    } finally {
      this.draining = false;
    }
  }

  private updateHold(): void {
    const hold = !this.disposed && (this.inboxHold || this.creditHold);
    if (hold === this.inputHeld) return;
    this.inputHeld = hold;
    this.link.holdInput(hold);
  }

  /** Stops reading once the bins accepted or read and not answered pass the credit. */
  private checkCredit(s: OpenState): void {
    if (this.creditHold || outstanding(s) + this.inboxBins <= this.deps.limits.inputCreditBins) return;
    this.creditHold = true;
    this.deps.countFlow('inputPause');
    this.updateHold();
  }

  /** After outputs left: reading resumes once half the credit is free again. */
  private creditReturned(s: OpenState): void {
    if (this.creditHold && outstanding(s) + this.inboxBins <= this.deps.limits.inputCreditBins / 2) {
      this.creditHold = false;
      this.updateHold();
    }
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
    this.inbox.length = 0;
    this.inboxHold = this.creditHold = false;
    await this.teardown();
  }

  /** Handles one message: input chunks at once, an open or a close by the promise returned. */
  private handle(msg: SessionMessage, binary: boolean): Promise<void> | undefined {
    const failed = (err: unknown) => {
      const e = err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', (err as Error).message);
      this.fail(e, binary);
    };
    try {
      if ('packedChunk' in msg) this.inputPacked(msg.packedChunk);
      else if ('inputChunk' in msg) this.input(msg.inputChunk);
      else return ('open' in msg ? this.open(msg.open, binary) : this.close(binary)).catch(failed);
    } catch (err) {
      failed(err);
    }
    return undefined;
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
        referencePacer: null,
        paceClock: null,
        spikes: Array.from(
          { length: neurons },
          () =>
            new SpikeEventDetector({
              threshold: manifest.spikeThreshold,
              refractoryBins: manifest.spikeEvents?.refractoryMs ?? DEFAULT_REFRACTORY_MS,
            }),
        ),
        nextBin: 0,
        surrogateComputed: 0,
        surrogateTail: Promise.resolve(),
        surrogateSent: 0,
        referenceSent: 0,
        surrogateSpikes: 0,
        referenceSpikes: 0,
        startedAt: performance.now(),
      };
      if (clock === 'REALTIME') {
        const paceClock = new PaceClock();
        state.pacer = new RealtimePacer((c) => this.emitSurrogate(state, c as SurrogateChunk), paceClock);
        if (reference)
          state.referencePacer = new RealtimePacer(
            (c) => this.emitReference(state, c as ReferenceChunk),
            paceClock,
          );
        state.paceClock = paceClock;
      }
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
          inputCreditBins: this.deps.limits.inputCreditBins,
        },
      },
      binary,
    );
  }

  private async startReference(
    manifest: ModelManifest,
    dendrites: boolean,
  ): Promise<{ runner: ReferenceRunner; nDendrites: number }> {
    const runner: ReferenceRunner = this.deps.references.start(
      manifest.neuron,
      {
        output: (out) => this.referenceReady(runner, out),
        error: (err) => this.referenceFailed(runner, err),
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
    const multi = chunk.neuronInputs !== undefined;
    const n = multi ? (chunk.binCount ?? 0) : chunk.bins.length;
    const s = this.admitChunk(chunk.firstBin, n, multi);
    const perNeuron = multi
      ? this.neuronBins(s, chunk, n)
      : [this.checkedBins(s, flattenBins(chunk.bins), chunk.firstBin, '')];
    this.accept(s, n, perNeuron);
  }

  /** A single-neuron chunk already in spike trains (the protobuf fast path). */
  private inputPacked(chunk: PackedInputChunk): void {
    const n = chunk.spikes.count;
    const s = this.admitChunk(chunk.firstBin, n, false);
    this.accept(s, n, [this.checkedBins(s, chunk.spikes, chunk.firstBin, '')]);
  }

  /** The checks of a chunk of `n` bins at `firstBin` that come before its spikes are looked at. */
  private admitChunk(firstBin: number, n: number, multi: boolean): OpenState {
    const s = this.state;
    if (!s) throw new ProtocolError('NOT_OPEN', 'send open before input chunks');
    if (!multi && s.streams.length > 1)
      throw new ProtocolError(
        'BAD_NEURON',
        `this session has ${s.streams.length} neurons: send binCount and neuronInputs`,
        firstBin,
      );
    if (n > this.deps.limits.maxBinsPerChunk) {
      throw new ProtocolError(
        'CHUNK_TOO_LARGE',
        `chunk holds ${n} bins, the limit is ${this.deps.limits.maxBinsPerChunk}`,
        firstBin,
      );
    }
    if (firstBin !== s.nextBin) {
      throw new ProtocolError(
        'BIN_ORDER',
        `chunk starts at bin ${firstBin}, expected ${s.nextBin} (bins must be contiguous and in order)`,
        firstBin,
      );
    }
    const credit = this.deps.limits.inputCreditBins;
    const held = outstanding(s);
    if (held + n > OVERRUN_FACTOR * credit) {
      this.deps.countFlow('inputOverrun');
      throw new ProtocolError(
        'INPUT_OVERRUN',
        `chunk of ${n} bins at bin ${firstBin} overruns the input credit: ${held} bins are not answered yet, the credit is ${credit} (opened.inputCreditBins); wait for outputs before sending more`,
        firstBin,
      );
    }
    return s;
  }

  /** Submits an admitted chunk's bins (one entry per neuron) to the surrogate and the reference. */
  private accept(s: OpenState, n: number, perNeuron: BinnedSpikes[]): void {
    if (n === 0) return;
    s.nextBin += n;
    this.checkCredit(s);
    const failed = (err: Error) => {
      if (this.state === s)
        this.fail(new ProtocolError('INTERNAL', `surrogate failed: ${err.message}`), this.binary);
    };
    if (perNeuron.length === 1) {
      // one stream's results come in submission order: each handler runs after the previous one
      s.surrogateTail = s.scheduler
        .submit(s.streams[0], perNeuron[0])
        .then((out) => this.surrogateReady(s, out, 1), failed);
    } else {
      const done = Promise.all(perNeuron.map((f, i) => s.scheduler.submit(s.streams[i], f))).then((outs) =>
        neuronMajor(outs, n),
      );
      s.surrogateTail = s.surrogateTail
        .then(() => done.then((out) => this.surrogateReady(s, out, perNeuron.length)))
        .catch(failed);
    }
    // the worker receives a structured clone; the inline runner only reads the bins
    s.reference?.push(perNeuron[0]);
  }

  private checkedBins(s: OpenState, flat: BinnedSpikes, firstBin: number, who: string): BinnedSpikes {
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
      out[ni.neuron] = this.checkedBins(s, flattenBins(ni.bins), chunk.firstBin, `neuron ${ni.neuron} `);
    }
    const empty = emptyBins(n);
    return Array.from(out, (f) => f ?? empty);
  }

  private surrogateReady(s: OpenState, out: SurrogateOutputs, neurons: number): void {
    if (this.state !== s) return;
    s.surrogateComputed += out.voltage.length / neurons;
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
      referenceLagBins: s.reference ? s.surrogateSent - s.referenceSent : 0,
      ...(c.neurons > 1 ? { neurons: c.neurons } : {}),
    });
    this.creditReturned(s);
  }

  private referenceReady(runner: ReferenceRunner, out: ReferenceOutputs): void {
    const s = this.state;
    if (!s || s.reference !== runner || out.voltage.length === 0) return;
    const chunk = new ReferenceChunk(out.firstBin, out.voltage, out.spike, out.dendriticVoltage);
    if (s.referencePacer) s.referencePacer.push(chunk);
    else this.emitReference(s, chunk);
  }

  private emitReference(s: OpenState, c: ReferenceChunk): void {
    s.referenceSent += c.count;
    for (let i = 0; i < c.spike.length; i++) s.referenceSpikes += c.spike[i];
    this.sendChunk({
      source: 'REFERENCE',
      firstBin: c.firstBin,
      voltage: c.voltage,
      spikeProb: EMPTY,
      spike: c.spike,
      referenceLagBins: s.surrogateSent - s.referenceSent,
      ...(c.dendriticVoltage ? { dendriticVoltage: c.dendriticVoltage } : {}),
    });
    this.creditReturned(s);
  }

  private referenceFailed(runner: ReferenceRunner, err: Error): void {
    const s = this.state;
    if (!s || s.reference !== runner) return;
    s.reference = null;
    s.referencePacer?.stop();
    s.referencePacer = null;
    void runner.stop();
    this.fail(new ProtocolError('REFERENCE_FAILED', `reference stopped: ${err.message}`), this.binary);
    // the credit no longer waits for the reference
    this.creditReturned(s);
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
    s.referencePacer?.drain();
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
    s.referencePacer?.stop();
    s.paceClock?.stop();
    if (this.creditHold) {
      this.creditHold = false;
      this.updateHold();
    }
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

/** bins an input chunk advances its session by (0 for other messages) */
function inputBins(msg: SessionMessage): number {
  if ('packedChunk' in msg) return msg.packedChunk.spikes.count;
  if (!('inputChunk' in msg)) return 0;
  const c = msg.inputChunk;
  return c.neuronInputs !== undefined ? (c.binCount ?? 0) : c.bins.length;
}

/** bins accepted and not yet sent back by every source (the reference's too while it runs) */
function outstanding(s: OpenState): number {
  const answered = s.reference ? Math.min(s.surrogateSent, s.referenceSent) : s.surrogateSent;
  return s.nextBin - answered;
}

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
