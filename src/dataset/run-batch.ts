import type { TrialBatch, WorkerReply } from './generate-protocol.js';
import type { TrialRunner } from './simulate-trial.js';
import { writeTrialPart } from './trial-part.js';

/**
 * Simulates a batch of trials together in lockstep (TrialRunner.runLockstep: the same trials as one
 * at a time), writes each one's part file and returns one reply per trial, each with its share of
 * the batch's wall time.
 */
export function runBatch(runner: TrialRunner, batch: TrialBatch): WorkerReply[] {
  const start = performance.now();
  const trials = runner.runLockstep(batch.map((job) => job.seed));
  batch.forEach((job, l) => writeTrialPart(job.path, trials[l]));
  const ms = (performance.now() - start) / batch.length;
  return batch.map((job) => ({ index: job.index, ms }));
}

/**
 * How many trials the next batch takes: `lanes` while enough trials remain for every idle worker to
 * get a full batch, else one (at the end of a run a worker does not sit idle while another steps
 * a batch).
 */
export function batchSize(remaining: number, lanes: number, idleWorkers: number): number {
  return remaining >= lanes * Math.max(1, idleWorkers) ? lanes : 1;
}
