/**
 * `neurotwin bench stream`: starts the streaming server in this process and drives it from N
 * clients on loopback in worker threads (their own event loops); prints aggregate bins/s and the
 * chunk round trip (input chunk sent -> its surrogate outputs received) percentiles, over every
 * chunk of every session after the first `warmup` chunks of each. Then, in the same run, the floor
 * under those figures: plain TCP echo on loopback with the same sessions and frame sizes
 * (loopback-echo.ts).
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ReferenceLauncher } from '../streaming/reference-launcher.js';
import { startServer } from '../streaming/server.js';
import { findModel } from './bench-inference.js';
import { measureLoopbackEcho, type LoopbackEchoResult } from './loopback-echo.js';
import type { StreamClientsConfig, StreamClientsResult } from './bench-stream-clients.js';
import { percentile } from '../core/percentile.js';

export interface StreamBenchOptions {
  model: string;
  sessions: number;
  chunk: number;
  chunks: number;
  /** chunks at the start of every session that are not counted */
  warmup: number;
  /** worker threads the sessions are spread over */
  clientThreads: number;
  binary: boolean;
  seed: number;
  /**
   * offered load, bins/s over all sessions: session i sends chunk k at start + (k + i/N)·interval
   * (interval = chunk·N/rate), or as soon as chunk k − 1 is answered if that is later; unset: every
   * chunk as soon as the last one is answered (the most the server and clients carry)
   */
  rate?: number;
}

export interface StreamBenchResult {
  model: string;
  sessions: number;
  chunkBins: number;
  chunksPerSession: number;
  encoding: 'protobuf' | 'json';
  warmupChunksPerSession: number;
  clientThreads: number;
  /** the offered load (bins/s) when paced, else absent */
  offeredBinsPerSecond?: number;
  /** chunks counted (sessions × (chunks − warm-up)) and their bins */
  countedChunks: number;
  bins: number;
  wallSeconds: number;
  aggregateBinsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * the same sessions and frame sizes as plain TCP echo on loopback, server and clients in two
   * threads as here: what the machine's loopback and the two threads cost alone (the floor)
   */
  loopbackEcho: LoopbackEchoResult;
  /** p99 round trip ÷ the loopback echo's p99 */
  p99OverLoopbackEcho: number;
  /** 1-minute load average of the machine at the start and at the end (other work slows it down) */
  loadAverage: [number, number];
}

function runClients(config: StreamClientsConfig): Promise<StreamClientsResult> {
  const worker = new Worker(new URL('./bench-stream-clients.js', import.meta.url), { workerData: config });
  return new Promise<StreamClientsResult>((resolve, reject) => {
    worker.once('message', (m: { ok?: StreamClientsResult; error?: string }) =>
      m.ok ? resolve(m.ok) : reject(new Error(`stream clients failed: ${m.error}`)),
    );
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

export async function benchStream(o: StreamBenchOptions): Promise<StreamBenchResult> {
  if (!(o.warmup < o.chunks))
    throw new RangeError(`--warmup (${o.warmup}) must be less than --chunks (${o.chunks})`);
  if (!(o.clientThreads <= o.sessions))
    throw new RangeError(`--client-threads (${o.clientThreads}) must not exceed --sessions (${o.sessions})`);
  const before = loadavg()[0];
  const entry = findModel(o.model);
  const server = await startServer({
    modelsDir: entry.dir.replace(/[/\\][^/\\]+$/, ''),
    port: 0,
    host: '127.0.0.1',
    logLevels: ['error'],
    maxSessions: o.sessions,
    // every client comes from loopback
    maxConnections: Math.max(256, o.sessions),
    maxConnectionsPerAddress: o.sessions,
    maxBatch: o.sessions,
    maxBinsPerChunk: Math.max(10_000, o.chunk),
    inputCreditBins: Math.max(20_000, o.chunk + 16),
    // the bench opens no reference: one worker, and its start-up is waited for below
    referenceWorkers: 1,
  });
  try {
    // the reference pool builds the served models' cells at start: not while the bench measures
    await server.app.get(ReferenceLauncher).warm();
    const threads = o.clientThreads;
    const parts = await Promise.all(
      Array.from({ length: threads }, (_, t) => {
        const first = Math.floor((t * o.sessions) / threads);
        const next = Math.floor(((t + 1) * o.sessions) / threads);
        return runClients({
          url: server.url,
          model: entry.manifest.id,
          nExc: entry.manifest.inputs.nExc,
          nInh: entry.manifest.inputs.nInh,
          firstSession: first,
          sessions: next - first,
          chunk: o.chunk,
          chunks: o.chunks,
          warmupChunks: o.warmup,
          binary: o.binary,
          seed: o.seed,
          totalSessions: o.sessions,
          ...(o.rate !== undefined ? { intervalMs: (1000 * o.chunk * o.sessions) / o.rate } : {}),
        });
      }),
    );
    const bins = parts.reduce((a, p) => a + p.bins, 0);
    const seconds =
      (Math.max(...parts.map((p) => p.lastReceivedAt)) - Math.min(...parts.map((p) => p.firstSentAt))) / 1000;
    const sorted = Float64Array.from(parts.flatMap((p) => p.roundTripsMs)).sort();
    const p99Ms = percentile(sorted, 99);
    const loopbackEcho = await measureLoopbackEcho({
      sessions: o.sessions,
      messages: o.chunks,
      warmup: o.warmup,
      requestBytes: parts[0].requestFrameBytes,
      replyBytes: parts[0].replyFrameBytes,
    });
    return {
      model: entry.manifest.id,
      sessions: o.sessions,
      chunkBins: o.chunk,
      chunksPerSession: o.chunks,
      encoding: o.binary ? 'protobuf' : 'json',
      warmupChunksPerSession: o.warmup,
      clientThreads: threads,
      ...(o.rate !== undefined ? { offeredBinsPerSecond: o.rate } : {}),
      countedChunks: sorted.length,
      bins,
      wallSeconds: seconds,
      aggregateBinsPerSecond: bins / seconds,
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms,
      maxMs: sorted[sorted.length - 1],
      loopbackEcho,
      p99OverLoopbackEcho: p99Ms / loopbackEcho.p99Ms,
      loadAverage: [before, loadavg()[0]],
    };
  } finally {
    await server.close();
  }
}
