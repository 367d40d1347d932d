/**
 * Worker thread of `neurotwin bench stream`: SDK clients on loopback, each streaming the paper's
 * I&F inputs (or Poisson spikes) in chunks, one chunk in flight per client (the next is sent when
 * the previous one's surrogate outputs are back). The round trip of a chunk runs from just before
 * it is handed to the socket to the arrival of the output frame holding its surrogate outputs.
 * The first `warmupChunks` chunks of every session are not counted. Posts the counted figures to
 * the parent, times on the wall clock (performance.timeOrigin + now) so that several threads'
 * figures can be merged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NeurotwinClient } from '../../clients/sdk/index.js';
import { encodeInputChunkFrame } from '../../proto/input-chunk-wire.js';
import type { SpikeBin } from '../../proto/messages.js';
import { encodeOutputChunkFrame } from '../../proto/output-chunk-wire.js';
import { benchInputs } from './bench-inputs.js';

export interface StreamClientsConfig {
  url: string;
  model: string;
  nExc: number;
  nInh: number;
  /** the sessions of this thread are sessions firstSession .. firstSession + sessions - 1 */
  firstSession: number;
  sessions: number;
  chunk: number;
  chunks: number;
  warmupChunks: number;
  binary: boolean;
  seed: number;
  /** sessions over all threads */
  totalSessions: number;
  /** paced: ms between a session's chunks (sessions spread evenly over it); unset: back to back */
  intervalMs?: number;
}

export interface StreamClientsResult {
  /** bins of the counted chunks */
  bins: number;
  /** wall-clock ms: the first counted chunk sent, the last counted chunk's outputs received */
  firstSentAt: number;
  lastReceivedAt: number;
  roundTripsMs: number[];
  /** mean bytes on the wire of an input chunk frame (WebSocket header included, protobuf only) */
  requestFrameBytes: number;
  /** bytes on the wire of the surrogate output frame of a chunk (protobuf only) */
  replyFrameBytes: number;
}

/** a WebSocket frame's header: 2 bytes, the extended length, and the client's 4-byte mask */
function frameBytes(payload: number, masked: boolean): number {
  return 2 + (payload < 126 ? 0 : payload < 65536 ? 2 : 8) + (masked ? 4 : 0) + payload;
}

/** Wire sizes of the counted frames, for the loopback-echo floor (loopback-echo.ts). */
function wireSizes(c: StreamClientsConfig, parts: SpikeBin[][]): { request: number; reply: number } {
  let request = 0;
  for (let k = 0; k < parts.length; k++)
    request += frameBytes(encodeInputChunkFrame(k * c.chunk, parts[k])?.byteLength ?? 0, true);
  const reply = encodeOutputChunkFrame({
    source: 'SURROGATE',
    firstBin: c.chunks * c.chunk,
    voltage: new Float32Array(c.chunk),
    spikeProb: new Float32Array(c.chunk),
    spike: new Uint8Array(c.chunk),
    referenceLagBins: 0,
  }).byteLength;
  return { request: Math.round(request / parts.length), reply: frameBytes(reply, false) };
}

/** the chunks of a session, cut in advance from its pattern */
function chunksOf(bins: SpikeBin[], chunk: number): SpikeBin[][] {
  const parts: SpikeBin[][] = [];
  for (let first = 0; first + chunk <= bins.length; first += chunk)
    parts.push(bins.slice(first, first + chunk));
  return parts;
}

function toBins(f: ReturnType<typeof benchInputs>['patterns'][number]): SpikeBin[] {
  return Array.from({ length: f.count }, (_, k) => ({
    exc: f.exc.ids.subarray(f.excOffsets[k], f.excOffsets[k + 1]),
    inh: f.inh.ids.subarray(f.inhOffsets[k], f.inhOffsets[k + 1]),
  }));
}

interface Tally {
  bins: number;
  firstSentAt: number;
  lastReceivedAt: number;
  times: number[];
}

const now = () => performance.timeOrigin + performance.now();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function runClient(
  c: StreamClientsConfig,
  session: number,
  parts: SpikeBin[][],
  tally: Tally,
  opened: () => Promise<number>,
): Promise<void> {
  const client = await NeurotwinClient.connect(c.url, { binary: c.binary });
  await client.open({ model: c.model });
  const outputs = client.outputs();
  // every session's schedule starts once all sessions of the thread are open
  const startAt = await opened();
  const offset = c.intervalMs === undefined ? 0 : (c.intervalMs * session) / c.totalSessions;
  // the chunks cycle through the pattern
  for (let k = 0; k < c.chunks; k++) {
    const part = parts[k % parts.length];
    if (c.intervalMs !== undefined) {
      const due = startAt + offset + k * c.intervalMs;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    const t0 = now();
    await client.sendBins(k * c.chunk, part);
    const r = await outputs.next();
    const t1 = now();
    if (r.done) throw new Error('the connection ended while streaming');
    if (r.value.firstBin !== k * c.chunk || r.value.voltage.length !== c.chunk)
      throw new Error(
        `chunk ${k}: expected the outputs of bins ${k * c.chunk}+${c.chunk}, got ${r.value.firstBin}+${r.value.voltage.length}`,
      );
    if (k < c.warmupChunks) continue;
    tally.times.push(t1 - t0);
    tally.bins += part.length;
    tally.firstSentAt = Math.min(tally.firstSentAt, t0);
    tally.lastReceivedAt = Math.max(tally.lastReceivedAt, t1);
  }
  await client.close();
  client.disconnect();
}

async function main(c: StreamClientsConfig): Promise<StreamClientsResult> {
  const length = c.chunk * Math.min(c.chunks, 20);
  const patterns = benchInputs(c.nExc, c.nInh, length, 16, c.seed, 2).patterns.map((p) =>
    chunksOf(toBins(p), c.chunk),
  );
  const tally: Tally = { bins: 0, firstSentAt: Infinity, lastReceivedAt: -Infinity, times: [] };
  let open = 0;
  let begin!: (at: number) => void;
  const start = new Promise<number>((resolve) => (begin = resolve));
  const opened = (): Promise<number> => {
    if (++open === c.sessions) begin(now() + 10);
    return start;
  };
  await Promise.all(
    Array.from({ length: c.sessions }, (_, i) =>
      runClient(c, c.firstSession + i, patterns[(c.firstSession + i) % patterns.length], tally, opened),
    ),
  );
  const sizes = wireSizes(c, patterns[c.firstSession % patterns.length]);
  return {
    bins: tally.bins,
    firstSentAt: tally.firstSentAt,
    lastReceivedAt: tally.lastReceivedAt,
    roundTripsMs: tally.times,
    requestFrameBytes: sizes.request,
    replyFrameBytes: sizes.reply,
  };
}

main(workerData as StreamClientsConfig).then(
  (r) => parentPort!.postMessage({ ok: r }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
