/**
 * Worker-thread entry of dataset generation: builds one TrialRunner from workerData, then for each
 * {index, seed, path} message simulates the trial, writes its part file and replies {index, ms}.
 * Runs from dist/ (compiled JS); see generate.ts for how the script is located.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TrialRunner } from './simulate-trial.js';
import { writeTrialPart } from './trial-part.js';
import type { TrialJob, WorkerInit, WorkerReply } from './generate-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('generate-worker must run in a worker thread');
let runner: TrialRunner | null = null;
port.on('message', (job: TrialJob) => {
  try {
    runner ??= new TrialRunner(init.cell, init.durationMs, {
      neuronOptions: init.neuronOptions,
      recordDendrites: init.recordDendrites,
      family: init.family,
    });
    const start = performance.now();
    writeTrialPart(job.path, runner.run(job.seed));
    const reply: WorkerReply = { index: job.index, ms: performance.now() - start };
    port.postMessage(reply);
  } catch (err) {
    const reply: WorkerReply = {
      index: job.index,
      ms: 0,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    };
    port.postMessage(reply);
  }
});
