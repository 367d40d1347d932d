/**
 * Worker-thread entry of dataset generation: builds one TrialRunner from workerData, then for each
 * batch of {index, seed, path} jobs simulates the trials together in lockstep (one lane each), writes
 * their part files and replies {index, ms} per trial. Runs from dist/ (compiled JS); see generate.ts
 * for how the script is located.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TrialRunner } from './simulate-trial.js';
import type { TrialBatch, WorkerInit, WorkerReply } from './generate-protocol.js';
import { runBatch } from './run-batch.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('generate-worker must run in a worker thread');
let runner: TrialRunner | null = null;
port.on('message', (batch: TrialBatch) => {
  try {
    runner ??= new TrialRunner(init.cell, init.durationMs, {
      neuronOptions: init.neuronOptions,
      recordDendrites: init.recordDendrites,
      family: init.family,
    });
    for (const reply of runBatch(runner, batch)) port.postMessage(reply);
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    for (const job of batch) port.postMessage({ index: job.index, ms: 0, error } satisfies WorkerReply);
  }
});
