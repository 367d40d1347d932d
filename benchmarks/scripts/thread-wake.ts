/**
 * What a handoff between two threads costs on this machine, the figure behind the shard protocol
 * (src/inference/kernels/shard-protocol.ts): a worker and this thread pass a counter back and
 * forth through shared memory, once sleeping between turns (Atomics.wait/notify, a futex), once
 * spinning on it, once as messages (postMessage, each side woken by its event loop). Prints the
 * median round trip of each in µs.
 * Usage: node dist/benchmarks/scripts/thread-wake.js [--rounds 20000]
 */
import { Worker } from 'node:worker_threads';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/thread-wake.js [--rounds 20000] [--json]
The round trip between two threads: sleeping on a futex, spinning, and postMessage (medians, µs).`;

const { values } = scriptArgs(USAGE, { rounds: { type: 'string' }, json: { type: 'boolean' } });
const rounds = numberArg('--rounds', values.rounds, 20000, { min: 100, integer: true });

// the worker's side: answer each turn of the counter in the way asked
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const c = new Int32Array(workerData.control);
if (workerData.mode === 'message') parentPort.on('message', (m) => parentPort.postMessage(m));
else {
  let seen = 0;
  for (;;) {
    if (workerData.mode === 'spin') while (Atomics.load(c, 0) === seen);
    else Atomics.wait(c, 0, seen);
    seen = Atomics.load(c, 0);
    if (seen < 0) break;
    Atomics.store(c, 1, seen);
    Atomics.notify(c, 1);
  }
}`;

type Mode = 'sleep' | 'spin' | 'message';

async function roundTrips(mode: Mode): Promise<number> {
  const control = new SharedArrayBuffer(8);
  const c = new Int32Array(control);
  const worker = new Worker(WORKER, { eval: true, workerData: { control, mode } });
  const times = new Float64Array(rounds);
  const warm = Math.min(1000, rounds);
  if (mode === 'message') {
    await new Promise<void>((resolve) => {
      let i = -warm;
      let started = performance.now();
      worker.on('message', () => {
        if (i >= 0) times[i] = performance.now() - started;
        if (++i === rounds) return resolve();
        started = performance.now();
        worker.postMessage(i);
      });
      worker.postMessage(i);
    });
  } else {
    for (let i = -warm, seq = 1; i < rounds; i++, seq++) {
      const started = performance.now();
      Atomics.store(c, 0, seq);
      Atomics.notify(c, 0);
      if (mode === 'spin') while (Atomics.load(c, 1) !== seq);
      else Atomics.wait(c, 1, seq - 1);
      if (i >= 0) times[i] = performance.now() - started;
    }
    Atomics.store(c, 0, -1);
    Atomics.notify(c, 0);
  }
  await worker.terminate();
  times.sort();
  return 1000 * times[rounds >> 1];
}

const result: Record<Mode, number> = {
  sleep: await roundTrips('sleep'),
  spin: await roundTrips('spin'),
  message: await roundTrips('message'),
};
if (values.json) console.log(JSON.stringify({ rounds, roundTripUs: result }, null, 2));
else {
  console.log(`round trip between two threads, median of ${rounds}:`);
  console.log(`  sleeping on a futex (Atomics.wait/notify): ${result.sleep.toFixed(1)} µs`);
  console.log(`  spinning on shared memory:                 ${result.spin.toFixed(2)} µs`);
  console.log(`  postMessage both ways:                     ${result.message.toFixed(1)} µs`);
}
