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
import type { SpikeBin } from '../../proto/messages.js';
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
}

export interface StreamClientsResult {
  /** bins of the counted chunks */
  bins: number;
  /** wall-clock ms: the first counted chunk sent, the last counted chunk's outputs received */
  firstSentAt: number;
  lastReceivedAt: number;
  roundTripsMs: number[];
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

async function runClient(c: StreamClientsConfig, bins: SpikeBin[], tally: Tally): Promise<void> {
  const client = await NeurotwinClient.connect(c.url, { binary: c.binary });
  await client.open({ model: c.model });
  const outputs = client.outputs();
  // the chunks cycle through the pattern, cut in advance
  const parts: SpikeBin[][] = [];
  for (let first = 0; first + c.chunk <= bins.length; first += c.chunk)
    parts.push(bins.slice(first, first + c.chunk));
  for (let k = 0; k < c.chunks; k++) {
    const part = parts[k % parts.length];
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
  const patterns = benchInputs(c.nExc, c.nInh, length, 16, c.seed, 2).patterns.map(toBins);
  const tally: Tally = { bins: 0, firstSentAt: Infinity, lastReceivedAt: -Infinity, times: [] };
  await Promise.all(
    Array.from({ length: c.sessions }, (_, i) =>
      runClient(c, patterns[(c.firstSession + i) % patterns.length], tally),
    ),
  );
  return {
    bins: tally.bins,
    firstSentAt: tally.firstSentAt,
    lastReceivedAt: tally.lastReceivedAt,
    roundTripsMs: tally.times,
  };
}

main(workerData as StreamClientsConfig).then(
  (r) => parentPort!.postMessage({ ok: r }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
