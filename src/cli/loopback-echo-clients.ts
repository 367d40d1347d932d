/**
 * Worker thread of the loopback echo (loopback-echo.ts): `sessions` TCP clients, each sending a
 * request and waiting for its whole reply before the next, `messages` times. Posts the counted round
 * trips (wall-clock ms: performance.timeOrigin + now) to the parent.
 */
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface EchoClientsConfig {
  port: number;
  sessions: number;
  messages: number;
  warmup: number;
  requestBytes: number;
  replyBytes: number;
}

export interface EchoClientsResult {
  firstSentAt: number;
  lastReceivedAt: number;
  roundTripsMs: number[];
}

const now = () => performance.timeOrigin + performance.now();

function runClient(c: EchoClientsConfig, request: Buffer, tally: EchoClientsResult): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect(c.port, '127.0.0.1');
    socket.setNoDelay(true);
    let sent = 0;
    let received = 0;
    let sentAt = 0;
    const send = () => {
      sentAt = now();
      sent++;
      socket.write(request);
    };
    socket.once('connect', send);
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received < c.replyBytes) return;
      received -= c.replyBytes;
      const at = now();
      if (sent > c.warmup) {
        tally.roundTripsMs.push(at - sentAt);
        tally.firstSentAt = Math.min(tally.firstSentAt, sentAt);
        tally.lastReceivedAt = Math.max(tally.lastReceivedAt, at);
      }
      if (sent < c.messages) send();
      else socket.end(resolve);
    });
    socket.once('error', reject);
  });
}

async function main(c: EchoClientsConfig): Promise<EchoClientsResult> {
  const request = Buffer.alloc(c.requestBytes, 0xa5);
  const tally: EchoClientsResult = { firstSentAt: Infinity, lastReceivedAt: -Infinity, roundTripsMs: [] };
  await Promise.all(Array.from({ length: c.sessions }, () => runClient(c, request, tally)));
  return tally;
}

main(workerData as EchoClientsConfig).then(
  (r) => parentPort!.postMessage({ ok: r }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
