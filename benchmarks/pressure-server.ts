/**
 * The server under test of `npm run bench:flood`, in a process of its own (so that its memory and
 * event loop are measured apart from the clients): started from the argument (JSON StartOptions),
 * it reports {port} to its parent, then answers each 'sample' with {rss, loopMaxMs, gcMaxMs, waitedS}
 * (resident set size, the longest event-loop delay and the longest garbage-collection pause since the
 * previous sample, and the seconds the process has waited for a core so far, where the OS tells).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { startServer, type StartOptions } from '../src/streaming/server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as StartOptions;
const server = await startServer({ ...options, port: 0, host: '127.0.0.1', logLevels: ['error'] });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
/** seconds this process has waited for a core (Linux: /proc/self/schedstat), null elsewhere */
function runQueueSeconds(): number | null {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return null;
  }
}
let gcMaxMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, e.duration);
}).observe({ entryTypes: ['gc'] });
process.on('message', (msg) => {
  if (msg === 'sample') {
    process.send!({
      rss: process.memoryUsage().rss,
      loopMaxMs: loop.max / 1e6,
      gcMaxMs,
      waitedS: runQueueSeconds(),
    });
    loop.reset();
    gcMaxMs = 0;
  } else if (msg === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send!({ port: server.port });
