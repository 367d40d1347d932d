/**
 * Clients that put a stream server under pressure, and the control session that measures what the
 * pressure costs everyone else. Shared by the flow-control tests and `npm run bench:flood`.
 *
 * - realtimeControl: an SDK session on the REALTIME clock whose input stays `aheadMs` ahead of the
 *   wall clock, so that every delay it sees is the server's. Its lag is how far each surrogate
 *   chunk arrives behind schedule: arrival − (t0 + end bin), t0 being the earliest such origin over
 *   the run (the schedule the server's pacer keeps when nothing holds it up).
 * - flood: a raw WebSocket client that ignores the input credit and sends chunks as fast as its
 *   socket takes them (it keeps at most `clientBufferBytes` unsent, so that it measures the
 *   server, not its own memory); on INPUT_OVERRUN it resumes at the refused bin.
 * - churn: reference-session opens, `parallel` at a time, each streaming a few bins and closing.
 */
import { WebSocket } from 'ws';
import { NeurotwinClient, type OutputChunkMsg } from '../clients/sdk/index.js';
import { decodeServer, encodeClientBinary, encodeClientJson } from '../proto/codec.js';
import type { ClientMessage, SpikeBin } from '../proto/messages.js';

/** Deterministic sparse input: about `rate` spikes per bin over nExc excitatory synapses. */
export function pressureBins(nExc: number, nInh: number, count: number, seed = 1, rate = 3): SpikeBin[] {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
  return Array.from({ length: count }, () => ({
    exc: Array.from({ length: Math.floor(rnd() * 2 * rate) }, () => Math.floor(rnd() * nExc)),
    inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * nInh)),
  }));
}

export interface LagStats {
  /** surrogate bins received */
  bins: number;
  maxLagMs: number;
  meanLagMs: number;
  /** bins that arrived out of order or twice (must be 0) */
  disorder: number;
}

export interface ControlOptions {
  model: string;
  nExc: number;
  nInh: number;
  binary?: boolean;
  /** bins per input chunk */
  chunk?: number;
  /** how far the input runs ahead of the wall clock */
  aheadMs?: number;
}

export interface RunningControl {
  /** Stops sending, closes the session and reports its lag. */
  stop(): Promise<LagStats>;
}

export async function realtimeControl(url: string, o: ControlOptions): Promise<RunningControl> {
  const chunk = o.chunk ?? 20;
  const aheadMs = o.aheadMs ?? 250;
  const client = await NeurotwinClient.connect(url, { binary: o.binary ?? true });
  await client.open({ model: o.model, clock: 'REALTIME' });
  const input = pressureBins(o.nExc, o.nInh, 1000, 7);
  const arrivals: number[] = [];
  const ends: number[] = [];
  let next = 0;
  let disorder = 0;
  client.onOutput((c: OutputChunkMsg) => {
    if (c.source !== 'SURROGATE') return;
    if (c.firstBin !== next) disorder++;
    next = c.firstBin + c.voltage.length;
    arrivals.push(performance.now());
    ends.push(next);
  });
  const started = performance.now();
  let sent = 0;
  let stopping = false;
  let failure: Error | null = null;
  let sending = Promise.resolve();
  const tick = setInterval(() => {
    if (stopping) return;
    const want = Math.floor(performance.now() - started + aheadMs);
    sending = sending
      .then(async () => {
        while (sent + chunk <= want && !stopping) {
          const bins = Array.from({ length: chunk }, (_, i) => input[(sent + i) % input.length]);
          const at = sent;
          sent += chunk;
          await client.sendBins(at, bins);
        }
      })
      .catch((err: Error) => void (failure ??= err));
  }, 5);
  return {
    async stop(): Promise<LagStats> {
      stopping = true;
      clearInterval(tick);
      // the close releases the bins sent ahead at once: only the chunks that came before it are paced
      const paced = arrivals.length;
      await sending;
      if (failure) throw failure;
      await client.close();
      client.disconnect();
      let origin = Infinity;
      for (let i = 0; i < paced; i++) origin = Math.min(origin, arrivals[i] - ends[i]);
      let max = 0;
      let sum = 0;
      for (let i = 0; i < paced; i++) {
        const lag = arrivals[i] - ends[i] - origin;
        max = Math.max(max, lag);
        sum += lag;
      }
      return { bins: ends[paced - 1] ?? 0, maxLagMs: max, meanLagMs: paced ? sum / paced : 0, disorder };
    },
  };
}

export interface FloodOptions {
  model: string;
  nExc: number;
  nInh: number;
  binary: boolean;
  durationMs: number;
  /** bins per chunk (at most the server's maxBinsPerChunk) */
  chunk: number;
  /** mean excitatory spikes per bin (default 3) */
  spikesPerBin?: number;
  /** read the server's replies (false: a client that never reads) */
  read?: boolean;
  /**
   * most bytes this client keeps unsent (default 256 KiB). What it has sent but the server has not
   * read yet (kernel buffers included) is ahead of its close.
   */
  clientBufferBytes?: number;
}

export interface FloodResult {
  framesSent: number;
  /** bins whose surrogate outputs came back */
  binsAnswered: number;
  /** error frames by code */
  errors: Record<string, number>;
  /** ms from the close request to `closed` (null: no summary came, e.g. the client was dropped) */
  closeMs: number | null;
  /** the socket's close code if the server closed it, null if it stayed open until we left */
  serverClose: number | null;
}

function frame(msg: ClientMessage, binary: boolean): string | Uint8Array {
  return binary ? encodeClientBinary(msg) : encodeClientJson(msg);
}

export async function flood(url: string, o: FloodOptions): Promise<FloodResult> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const read = o.read ?? true;
  const errors: Record<string, number> = {};
  let binsAnswered = 0;
  let next = 0;
  let serverClose: number | null = null;
  let opened: () => void = () => undefined;
  let closed: () => void = () => undefined;
  const isOpened = new Promise<void>((r) => (opened = r));
  const isClosed = new Promise<void>((r) => (closed = r));
  let ended: () => void = () => undefined;
  const socketEnded = new Promise<void>((r) => (ended = r));
  ws.on('close', (code: number) => {
    serverClose = code;
    ended();
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const msg = decodeServer(isBinary ? new Uint8Array(data) : data.toString());
    if ('opened' in msg) opened();
    else if ('closed' in msg) closed();
    else if ('outputChunk' in msg) {
      if (msg.outputChunk.source === 'SURROGATE') binsAnswered += msg.outputChunk.voltage.length;
    } else {
      errors[msg.error.code] = (errors[msg.error.code] ?? 0) + 1;
      if (msg.error.code === 'INPUT_OVERRUN' && msg.error.bin !== undefined) next = msg.error.bin;
    }
  });
  ws.send(frame({ open: { model: o.model, clock: 'ASAP' } }, o.binary));
  await isOpened;
  if (!read) ws.pause();
  const input = pressureBins(o.nExc, o.nInh, 2000, 3, o.spikesPerBin ?? 3);
  const limit = o.clientBufferBytes ?? 256 * 1024;
  let framesSent = 0;
  const end = performance.now() + o.durationMs;
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (ws.readyState !== ws.OPEN || performance.now() >= end) return resolve();
      for (let burst = 0; burst < 64 && ws.bufferedAmount < limit; burst++) {
        const start = next % input.length;
        const bins = input.slice(start, start + o.chunk);
        while (bins.length < o.chunk) bins.push(...input.slice(0, o.chunk - bins.length));
        ws.send(frame({ inputChunk: { firstBin: next, bins } }, o.binary));
        next += o.chunk;
        framesSent++;
      }
      setImmediate(pump);
    };
    pump();
  });
  let closeMs: number | null = null;
  if (ws.readyState === ws.OPEN) {
    ws.resume();
    const t = performance.now();
    ws.send(frame({ close: {} }, o.binary));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = await Promise.race([
      isClosed.then(() => true),
      socketEnded.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 120_000))),
    ]);
    clearTimeout(timer);
    if (answered) closeMs = performance.now() - t;
  }
  if (ws.readyState === ws.OPEN) ws.close();
  return { framesSent, binsAnswered, errors, closeMs, serverClose };
}

export interface ChurnOptions {
  model: string;
  nExc: number;
  nInh: number;
  opens: number;
  parallel: number;
  /** bins each session streams before closing */
  bins: number;
}

export interface ChurnResult {
  opens: number;
  /** slowest open → opened */
  maxOpenMs: number;
  meanOpenMs: number;
  /** sessions whose reference returned every bin */
  complete: number;
}

export async function churn(url: string, o: ChurnOptions): Promise<ChurnResult> {
  const input = pressureBins(o.nExc, o.nInh, o.bins, 11);
  const openMs: number[] = [];
  let complete = 0;
  let started = 0;
  const one = async () => {
    const client = await NeurotwinClient.connect(url);
    const t = performance.now();
    await client.open({ model: o.model, reference: true });
    openMs.push(performance.now() - t);
    let reference = 0;
    client.onOutput((c) => {
      if (c.source === 'REFERENCE') reference += c.voltage.length;
    });
    await client.sendBins(0, input);
    const summary = await client.close();
    if (reference === o.bins && summary.referenceBins === o.bins) complete++;
    client.disconnect();
  };
  const lane = async () => {
    while (started < o.opens) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: o.parallel }, lane));
  return {
    opens: openMs.length,
    maxOpenMs: Math.max(...openMs),
    meanOpenMs: openMs.reduce((a, b) => a + b, 0) / openMs.length,
    complete,
  };
}
