/**
 * The server under test of `npm run bench:flood`, in a process of its own (so that its memory and
 * event loop are measured apart from the clients): started from the argument (JSON StartOptions),
 * it reports {port} to its parent, then answers each 'sample' with {rss, loopMaxMs} (resident set
 * size, and the longest event-loop delay since the previous sample).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer, type StartOptions } from '../src/streaming/server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as StartOptions;
const server = await startServer({ ...options, port: 0, host: '127.0.0.1', logLevels: ['error'] });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('message', (msg) => {
  if (msg === 'sample') {
    process.send!({ rss: process.memoryUsage().rss, loopMaxMs: loop.max / 1e6 });
    loop.reset();
  } else if (msg === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.send!({ port: server.port });
