/**
 * neurotwin streaming SDK, for Node (through the `ws` package) and browsers (the global WebSocket).
 *
 *   const client = await NeurotwinClient.connect('ws://localhost:8080/stream');
 *   const opened = await client.open({ model: 'if-paper', reference: true });
 *   await client.sendBins(0, bins);
 *   for await (const chunk of client.outputs()) { ... }
 *   const summary = await client.close();
 *
 * Multi-neuron sessions: open({ model, neurons: N }), then sendNeuronBins(firstBin, count, inputs)
 * with the inputs of the neurons that receive spikes; every output chunk carries all N neurons
 * (neuronOutputs(chunk, i) picks one).
 *
 * Flow control: the server accepts at most `opened.inputCreditBins` bins that it has not answered
 * yet from every source of the session. sendBins and sendNeuronBins queue their chunk and resolve
 * once it went out; a chunk waits until the outputs received so far leave room for it, so SDK users
 * never overrun the server (proto/README.md, "Flow control").
 */
import { decodeServer, encodeClientBinary, encodeClientJson } from '../../proto/codec.js';
import type {
  ClientMessage,
  ClosedMsg,
  ErrorCode,
  ErrorMsg,
  SpikeBin,
  NeuronInputMsg,
  OpenMsg,
  OpenedMsg,
  OutputChunkMsg,
  ServerMessage,
} from '../../proto/messages.js';

export type * from '../../proto/messages.js';

export type ClientErrorCode = ErrorCode | 'CONNECT_FAILED' | 'CONNECTION_CLOSED';

/** A server Error message, or a connection failure, as an exception. */
export class NeurotwinError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly bin?: number,
  ) {
    super(`${code}: ${message}`);
    this.name = 'NeurotwinError';
  }

  static fromMessage(e: ErrorMsg): NeurotwinError {
    return new NeurotwinError(e.code, e.message, e.bin);
  }
}

/** The subset of the WebSocket API used here (browser WebSocket and ws both provide it). */
interface SocketLike {
  binaryType: string;
  readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: string,
    listener: (ev: { data?: unknown; code?: number; reason?: string; message?: string }) => void,
  ): void;
}
type SocketCtor = new (url: string) => SocketLike;

export interface ConnectOptions {
  /** protobuf frames (default) or JSON text frames */
  binary?: boolean;
  /** WebSocket constructor; defaults to globalThis.WebSocket, else the `ws` package */
  WebSocket?: SocketCtor;
  /** the server's token (`serve --token`), sent as the `token` query parameter (browsers cannot set headers) */
  token?: string;
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

/** A message waiting for its turn (and, for an input chunk, for input credit). */
interface Outgoing extends Waiter<void> {
  msg: ClientMessage;
  /** bins the chunk advances the session by (0: not an input chunk) */
  bins: number;
}

async function defaultSocketCtor(): Promise<SocketCtor> {
  const g = globalThis as unknown as { WebSocket?: SocketCtor };
  if (g.WebSocket) return g.WebSocket;
  const ws = (await import('ws')) as unknown as { WebSocket: SocketCtor };
  return ws.WebSocket;
}

/** The URL with its `token` query parameter set. */
function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.toString();
}

/** One neuron's part of an output chunk (a multi-neuron chunk is neuron-major). */
export function neuronOutputs(
  c: OutputChunkMsg,
  neuron: number,
): { voltage: ArrayLike<number>; spikeProb: ArrayLike<number>; spike: ArrayLike<boolean | number> } {
  const neurons = c.neurons && c.neurons > 1 ? c.neurons : 1;
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= neurons)
    throw new RangeError(`neuron ${neuron} is not in [0, ${neurons})`);
  const n = c.voltage.length / neurons;
  const part = <T>(a: ArrayLike<T>): T[] =>
    Array.from({ length: a.length === 0 ? 0 : n }, (_, k) => a[neuron * n + k]);
  return { voltage: part(c.voltage), spikeProb: part(c.spikeProb), spike: part(c.spike) };
}

/** errors by which the server drops an input chunk whole (their `bin` lies in the chunk) */
const REFUSED_CHUNK_CODES = new Set<string>([
  'BIN_ORDER',
  'BAD_SYNAPSE',
  'BAD_NEURON',
  'CHUNK_TOO_LARGE',
  'EMPTY_CHUNK',
  'INPUT_OVERRUN',
]);

export class NeurotwinClient {
  private readonly queue: (OutputChunkMsg | NeurotwinError)[] = [];
  private readonly readers: Waiter<IteratorResult<OutputChunkMsg>>[] = [];
  private readonly outputListeners: ((c: OutputChunkMsg) => void)[] = [];
  private readonly errorListeners: ((e: NeurotwinError) => void)[] = [];
  private openWaiter: Waiter<OpenedMsg> | null = null;
  private closeWaiter: Waiter<ClosedMsg> | null = null;
  private ended: NeurotwinError | null = null;
  private readonly outbox: Outgoing[] = [];
  /** the open session's input credit (0: the server announced none); null while no session is open */
  private credit: number | null = null;
  private binsSent = 0;
  /** input chunks sent in this session [firstBin, bins], so that a refused one stops counting */
  private readonly sentChunks: [number, number][] = [];
  private surrogateBins = 0;
  private referenceBins = 0;
  private referenceOn = false;

  private constructor(
    private readonly socket: SocketLike,
    readonly binary: boolean,
  ) {
    socket.addEventListener('message', (ev) => this.onFrame(ev.data));
    socket.addEventListener('close', (ev) =>
      this.onEnd(
        new NeurotwinError(
          'CONNECTION_CLOSED',
          `connection closed (code ${ev.code ?? '?'}${ev.reason ? `, ${ev.reason}` : ''})`,
        ),
      ),
    );
  }

  static async connect(url: string, opts: ConnectOptions = {}): Promise<NeurotwinClient> {
    const Ctor = opts.WebSocket ?? (await defaultSocketCtor());
    let socket: SocketLike;
    try {
      socket = new Ctor(opts.token === undefined ? url : withToken(url, opts.token));
    } catch (err) {
      throw new NeurotwinError('CONNECT_FAILED', `cannot connect to ${url}: ${(err as Error).message}`);
    }
    socket.binaryType = 'arraybuffer';
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', (ev) =>
        reject(
          new NeurotwinError(
            'CONNECT_FAILED',
            `cannot connect to ${url}${ev.message ? `: ${ev.message}` : ''}`,
          ),
        ),
      );
      socket.addEventListener('close', () =>
        reject(new NeurotwinError('CONNECT_FAILED', `connection to ${url} closed`)),
      );
    });
    return new NeurotwinClient(socket, opts.binary ?? true);
  }

  /** Opens a session; rejects with the server's error (e.g. UNKNOWN_MODEL). */
  open(opts: OpenMsg): Promise<OpenedMsg> {
    if (this.openWaiter) return Promise.reject(new Error('open already in progress'));
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<OpenedMsg>((resolve, reject) => {
      this.openWaiter = { resolve, reject };
      this.enqueue({ open: { reference: false, clock: 'ASAP', ...opts } }, 0).catch(() => undefined);
    });
  }

  /**
   * Sends bins firstBin .. firstBin + bins.length - 1; resolves once the chunk went out (after the
   * chunks queued before it, as soon as the session's input credit has room for it).
   */
  sendBins(firstBin: number, bins: SpikeBin[]): Promise<void> {
    return this.enqueue({ inputChunk: { firstBin, bins } }, bins.length);
  }

  /**
   * Multi-neuron sessions: advances every neuron by `binCount` bins from `firstBin`; `inputs` lists
   * the neurons that receive spikes (each with exactly binCount bins), the others get none.
   * Resolves like sendBins.
   */
  sendNeuronBins(firstBin: number, binCount: number, inputs: NeuronInputMsg[]): Promise<void> {
    return this.enqueue({ inputChunk: { firstBin, bins: [], binCount, neuronInputs: inputs } }, binCount);
  }

  /** Ends the session (the server flushes every output first); resolves with the summary. */
  close(): Promise<ClosedMsg> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<ClosedMsg>((resolve, reject) => {
      this.closeWaiter = { resolve, reject };
      this.enqueue({ close: {} }, 0).catch(() => undefined);
    });
  }

  /** Bins sent and not yet answered by every source of the open session (what the credit bounds). */
  get unansweredBins(): number {
    const answered = this.referenceOn ? Math.min(this.surrogateBins, this.referenceBins) : this.surrogateBins;
    return this.binsSent - answered;
  }

  /** Send raw bytes or text (for testing servers). */
  sendRaw(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  /** Output chunks in arrival order. Server errors not claimed by open()/close() are thrown here. */
  outputs(): AsyncIterableIterator<OutputChunkMsg> {
    const next = (): Promise<IteratorResult<OutputChunkMsg>> => {
      const item = this.queue.shift();
      if (item instanceof NeurotwinError) return Promise.reject(item);
      if (item) return Promise.resolve({ value: item, done: false });
      if (this.ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
    };
    const it: AsyncIterableIterator<OutputChunkMsg> = { next, [Symbol.asyncIterator]: () => it };
    return it;
  }

  /** Callback alternative to outputs(); chunks passed to callbacks are not queued for outputs(). */
  onOutput(cb: (c: OutputChunkMsg) => void): void {
    this.outputListeners.push(cb);
  }

  /** Callback for server errors; errors passed to callbacks are not thrown by outputs(). */
  onError(cb: (e: NeurotwinError) => void): void {
    this.errorListeners.push(cb);
  }

  disconnect(): void {
    this.socket.close(1000, 'client done');
  }

  private sendMessage(msg: ClientMessage): void {
    if (this.ended) throw this.ended;
    this.socket.send(this.binary ? encodeClientBinary(msg) : encodeClientJson(msg));
  }

  private enqueue(msg: ClientMessage, bins: number): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<void>((resolve, reject) => {
      this.outbox.push({ msg, bins, resolve, reject });
      this.pump();
    });
  }

  /** Sends queued messages in order while the input credit allows. */
  private pump(): void {
    while (this.outbox.length > 0 && !this.ended) {
      const head = this.outbox[0];
      if ('inputChunk' in head.msg) {
        // the credit is known once the open was answered
        if (this.openWaiter) return;
        const credit = this.credit ?? 0;
        if (credit > 0 && head.bins > credit) {
          this.outbox.shift();
          head.reject(
            new RangeError(
              `a chunk of ${head.bins} bins exceeds the session's input credit of ${credit} bins (opened.inputCreditBins); send smaller chunks`,
            ),
          );
          continue;
        }
        if (credit > 0 && this.unansweredBins + head.bins > credit) return;
      }
      this.outbox.shift();
      try {
        this.sendMessage(head.msg);
      } catch (err) {
        head.reject(err as Error);
        continue;
      }
      if ('inputChunk' in head.msg) {
        this.binsSent += head.bins;
        this.sentChunks.push([head.msg.inputChunk.firstBin, head.bins]);
        // chunks wholly answered can no longer be refused
        const answered = this.binsSent - this.unansweredBins;
        while (this.sentChunks.length > 64 && this.sentChunks[0][0] + this.sentChunks[0][1] <= answered)
          this.sentChunks.shift();
      }
      head.resolve();
    }
  }

  /** A new session starts counting its credit from bin 0. */
  private startCredit(opened: OpenedMsg | null): void {
    this.credit = opened ? (opened.inputCreditBins ?? 0) : null;
    this.referenceOn = opened !== null && opened.referenceCell !== '';
    this.binsSent = this.surrogateBins = this.referenceBins = 0;
    this.sentChunks.length = 0;
  }

  /** A refused input chunk (dropped whole by the server, `bin` inside it) no longer counts as sent. */
  private uncount(e: ErrorMsg): void {
    if (e.bin === undefined || !REFUSED_CHUNK_CODES.has(e.code)) return;
    for (let i = this.sentChunks.length - 1; i >= 0; i--) {
      const [first, n] = this.sentChunks[i];
      if (e.bin >= first && e.bin < first + Math.max(n, 1)) {
        this.sentChunks.splice(i, 1);
        this.binsSent -= n;
        return;
      }
    }
  }

  private countAnswered(c: OutputChunkMsg): void {
    const neurons = c.neurons && c.neurons > 1 ? c.neurons : 1;
    const bins = c.voltage.length / neurons;
    if (c.source === 'SURROGATE') this.surrogateBins += bins;
    else this.referenceBins += bins;
  }

  private onFrame(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = decodeServer(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
    } catch (err) {
      this.deliverError(new NeurotwinError('BAD_FRAME', (err as Error).message));
      return;
    }
    if ('outputChunk' in msg) {
      this.countAnswered(msg.outputChunk);
      this.deliverOutput(msg.outputChunk);
    } else if ('opened' in msg) {
      this.startCredit(msg.opened);
      this.settle('open', msg.opened);
    } else if ('closed' in msg) {
      this.startCredit(null);
      this.settle('close', msg.closed);
    } else {
      // a stopped reference no longer holds the credit back (the server stops waiting for it too)
      if (msg.error.code === 'REFERENCE_FAILED' && !this.openWaiter) this.referenceOn = false;
      this.uncount(msg.error);
      this.onServerError(NeurotwinError.fromMessage(msg.error));
    }
    this.pump();
  }

  private settle(which: 'open' | 'close', value: OpenedMsg | ClosedMsg): void {
    const w = which === 'open' ? this.openWaiter : this.closeWaiter;
    if (which === 'open') this.openWaiter = null;
    else this.closeWaiter = null;
    (w as Waiter<OpenedMsg | ClosedMsg> | null)?.resolve(value);
  }

  private onServerError(err: NeurotwinError): void {
    // a refused input chunk is not the answer to a pending open or close
    const w = REFUSED_CHUNK_CODES.has(err.code) ? null : (this.openWaiter ?? this.closeWaiter);
    if (w) {
      if (this.openWaiter) this.openWaiter = null;
      else this.closeWaiter = null;
      w.reject(err);
      return;
    }
    this.deliverError(err);
  }

  private deliverOutput(c: OutputChunkMsg): void {
    if (this.outputListeners.length > 0) {
      for (const cb of this.outputListeners) cb(c);
      return;
    }
    const reader = this.readers.shift();
    if (reader) reader.resolve({ value: c, done: false });
    else this.queue.push(c);
  }

  private deliverError(err: NeurotwinError): void {
    if (this.errorListeners.length > 0) {
      for (const cb of this.errorListeners) cb(err);
      return;
    }
    const reader = this.readers.shift();
    if (reader) reader.reject(err);
    else this.queue.push(err);
  }

  private onEnd(err: NeurotwinError): void {
    if (this.ended) return;
    this.ended = err;
    this.openWaiter?.reject(err);
    this.closeWaiter?.reject(err);
    this.openWaiter = this.closeWaiter = null;
    for (const o of this.outbox.splice(0)) o.reject(err);
    for (const r of this.readers.splice(0)) r.resolve({ value: undefined, done: true });
  }
}
