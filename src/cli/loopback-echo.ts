/**
 * The floor under `bench stream`: the same number of sessions on loopback, one message in flight per
 * session, messages of the sizes of the stream's input and output frames, but plain TCP sockets and
 * a server that does nothing except answer (no WebSocket framing, no decoding, no model). The server
 * runs in this thread and the clients in a worker thread, as in `bench stream`, so the two share the
 * machine's cores the same way. Its round trips are what two threads and the kernel's loopback TCP
 * cost by themselves at this concurrency (Little's law: sessions ÷ messages per second).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { compiledModule } from '../core/package-root.js';
import type { EchoClientsConfig, EchoClientsResult } from './loopback-echo-clients.js';
import { percentile } from '../core/percentile.js';

export interface LoopbackEchoOptions {
  sessions: number;
  /** messages per session, of which the first `warmup` are not counted */
  messages: number;
  warmup: number;
  requestBytes: number;
  replyBytes: number;
}

export interface LoopbackEchoResult {
  sessions: number;
  requestBytes: number;
  replyBytes: number;
  /** round trips counted (sessions × (messages − warmup)) */
  counted: number;
  messagesPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Answers every `requestBytes` received with one `replyBytes` write, as the stream answers a chunk. */
function echoServer(requestBytes: number, replyBytes: number): Server {
  const reply = Buffer.alloc(replyBytes, 0x5a);
  return createServer((socket: Socket) => {
    socket.setNoDelay(true);
    let pending = 0;
    socket.on('data', (data: Buffer) => {
      pending += data.length;
      for (; pending >= requestBytes; pending -= requestBytes) socket.write(reply);
    });
    socket.on('error', () => socket.destroy());
  });
}

export async function measureLoopbackEcho(o: LoopbackEchoOptions): Promise<LoopbackEchoResult> {
  if (!(o.warmup < o.messages))
    throw new RangeError(`warmup (${o.warmup}) must be less than messages (${o.messages})`);
  if (!(o.requestBytes >= 1 && o.replyBytes >= 1))
    throw new RangeError(`message sizes must be at least 1 byte, got ${o.requestBytes} and ${o.replyBytes}`);
  const server = echoServer(o.requestBytes, o.replyBytes);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the echo server has no TCP port');
    const config: EchoClientsConfig = { port: address.port, ...o };
    const worker = new Worker(compiledModule('cli/loopback-echo-clients.js', import.meta.url), {
      workerData: config,
    });
    const r = await new Promise<EchoClientsResult>((resolve, reject) => {
      worker.once('message', (m: { ok?: EchoClientsResult; error?: string }) =>
        m.ok ? resolve(m.ok) : reject(new Error(`echo clients failed: ${m.error}`)),
      );
      worker.once('error', reject);
    }).finally(() => void worker.terminate());
    const sorted = Float64Array.from(r.roundTripsMs).sort();
    return {
      sessions: o.sessions,
      requestBytes: o.requestBytes,
      replyBytes: o.replyBytes,
      counted: sorted.length,
      messagesPerSecond: sorted.length / ((r.lastReceivedAt - r.firstSentAt) / 1000),
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1],
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
