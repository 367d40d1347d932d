/**
 * `neurotwin bench stream`: starts the streaming server in this process and drives it from N
 * clients on loopback in a worker thread (their own event loop); prints aggregate bins/s and the
 * chunk round trip (input chunk sent -> its surrogate outputs received) percentiles.
 */
import { Worker } from 'node:worker_threads';
import { startServer } from '../streaming/server.js';
import { findModel } from './bench-inference.js';
import type { StreamClientsConfig, StreamClientsResult } from './bench-stream-clients.js';

export interface StreamBenchOptions {
  model: string;
  sessions: number;
  chunk: number;
  chunks: number;
  binary: boolean;
  seed: number;
}

export interface StreamBenchResult {
  model: string;
  sessions: number;
  chunkBins: number;
  chunksPerSession: number;
  encoding: 'protobuf' | 'json';
  bins: number;
  wallSeconds: number;
  aggregateBinsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchStream(o: StreamBenchOptions): Promise<StreamBenchResult> {
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
  });
  try {
    const config: StreamClientsConfig = {
      url: server.url,
      model: entry.manifest.id,
      nExc: entry.manifest.inputs.nExc,
      nInh: entry.manifest.inputs.nInh,
      sessions: o.sessions,
      chunk: o.chunk,
      chunks: o.chunks,
      binary: o.binary,
      seed: o.seed,
    };
    const worker = new Worker(new URL('./bench-stream-clients.js', import.meta.url), { workerData: config });
    const r = await new Promise<StreamClientsResult>((resolve, reject) => {
      worker.once('message', (m: { ok?: StreamClientsResult; error?: string }) =>
        m.ok ? resolve(m.ok) : reject(new Error(`stream clients failed: ${m.error}`)),
      );
      worker.once('error', reject);
    });
    await worker.terminate();
    const sorted = r.roundTripsMs.sort((a, b) => a - b);
    return {
      model: entry.manifest.id,
      sessions: o.sessions,
      chunkBins: o.chunk,
      chunksPerSession: o.chunks,
      encoding: o.binary ? 'protobuf' : 'json',
      bins: r.bins,
      wallSeconds: r.seconds,
      aggregateBinsPerSecond: r.bins / r.seconds,
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1],
    };
  } finally {
    await server.close();
  }
}
