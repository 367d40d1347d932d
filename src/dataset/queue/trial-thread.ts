/**
 * Worker-thread entry of `neurotwin worker`: simulates one trial per message and replies with the
 * trial encoded in the part-file format. The simulation runs here rather than on the worker's main
 * thread so that BullMQ can keep renewing the job's lock while a long trial is computed.
 * Runs from dist/ (compiled JS), located by thread-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { TrialRunner } from '../simulate-trial.js';
import { encodeTrial } from '../trial-part.js';
import type { ThreadReply, ThreadRequest } from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('trial-thread must run in a worker thread');

/** The runner of the last spec seen (a worker usually serves one run at a time). */
let cached: { key: string; runner: TrialRunner } | null = null;

function runnerFor(request: ThreadRequest): TrialRunner {
  const key = JSON.stringify([request.cell, request.durationMs, request.neuronOptions, request.dendrites]);
  if (cached?.key !== key) {
    cached = null; // drop the old cell before building the next
    const runner = new TrialRunner(request.cell, request.durationMs, {
      neuronOptions: request.neuronOptions,
      recordDendrites: request.dendrites,
    });
    cached = { key, runner };
  }
  return cached.runner;
}

port.on('message', (request: ThreadRequest) => {
  let runner: TrialRunner;
  try {
    runner = runnerFor(request);
  } catch (err) {
    // the cell cannot be built from these parameters: a refusal, not worth a retry elsewhere
    const reply: ThreadReply = { id: request.id, error: (err as Error).message, refused: true };
    port.postMessage(reply);
    return;
  }
  try {
    const start = performance.now();
    const bytes = encodeTrial(runner.run(request.seed));
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const reply: ThreadReply = { id: request.id, ms: performance.now() - start, bytes: view };
    port.postMessage(reply, [view.buffer as ArrayBuffer]); // encodeTrial's buffer is its own: move it
  } catch (err) {
    const reply: ThreadReply = {
      id: request.id,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      refused: false,
    };
    port.postMessage(reply);
  }
});
