/** Worker thread of the output-rate measurement: runs the trials it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { TrialRunner, type TrialRequest } from './rate-trial.js';

const request = workerData as Omit<TrialRequest, 'seed'>;
const runner = new TrialRunner(request.cell, request.durationMs, request.morphology);
if (!parentPort) throw new Error('rate-worker must run as a worker thread');
const port = parentPort;
port.on('message', (seed: number | null) => {
  if (seed === null) {
    port.close();
    return;
  }
  port.postMessage(runner.run(seed));
});
port.postMessage('ready');
