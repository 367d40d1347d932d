/**
 * Worker thread of `neurotwin bench stream`: N SDK clients on loopback, each streaming the paper's
 * I&F inputs (or Poisson spikes) in chunks, one chunk in flight per client (the next is sent when
 * the previous one's surrogate outputs are back). Posts the aggregate figures to the parent.
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
  sessions: number;
  chunk: number;
  chunks: number;
  binary: boolean;
  seed: number;
}

export interface StreamClientsResult {
  bins: number;
  seconds: number;
  roundTripsMs: number[];
}

function toBins(f: ReturnType<typeof benchInputs>['patterns'][number]): SpikeBin[] {
  return Array.from({ length: f.count }, (_, k) => ({
    exc: f.exc.ids.subarray(f.excOffsets[k], f.excOffsets[k + 1]),
    inh: f.inh.ids.subarray(f.inhOffsets[k], f.inhOffsets[k + 1]),
  }));
}

async function runClient(c: StreamClientsConfig, bins: SpikeBin[], times: number[]): Promise<number> {
  const client = await NeurotwinClient.connect(c.url, { binary: c.binary });
  await client.open({ model: c.model });
  const outputs = client.outputs();
  let sent = 0;
  for (let k = 0; k < c.chunks; k++) {
    const first = k * c.chunk;
    const part = bins.slice(first % bins.length, (first % bins.length) + c.chunk);
    const t0 = performance.now();
    await client.sendBins(first, part);
    const r = await outputs.next();
    if (r.done) throw new Error('the connection ended while streaming');
    times.push(performance.now() - t0);
    sent += part.length;
  }
  await client.close();
  client.disconnect();
  return sent;
}

async function main(c: StreamClientsConfig): Promise<StreamClientsResult> {
  const length = c.chunk * Math.min(c.chunks, 20);
  const patterns = benchInputs(c.nExc, c.nInh, length, 16, c.seed, 2).patterns.map(toBins);
  const times: number[] = [];
  const t0 = performance.now();
  const sent = await Promise.all(
    Array.from({ length: c.sessions }, (_, i) => runClient(c, patterns[i % patterns.length], times)),
  );
  return {
    bins: sent.reduce((a, b) => a + b, 0),
    seconds: (performance.now() - t0) / 1000,
    roundTripsMs: times,
  };
}

main(workerData as StreamClientsConfig).then(
  (r) => parentPort!.postMessage({ ok: r }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
