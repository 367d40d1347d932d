/**
 * Output rate under the paper's input statistics: independent trials (seeds 1, 2, ...) spread over
 * worker threads until a wall-clock budget is spent (a trial is started only while the budget lasts).
 */
import { Worker } from 'node:worker_threads';
import type { TrialRequest, TrialResult } from './rate-trial.js';

export interface RateOptions extends Omit<TrialRequest, 'seed'> {
  workers: number;
  budgetSeconds: number;
  maxTrials: number;
  /** called as each trial finishes */
  onTrial?: (r: TrialResult) => void;
}

export interface RateSummary {
  trials: TrialResult[];
  /** mean and standard error over trials of spikes per second */
  meanHz: number;
  semHz: number;
  totalSpikes: number;
  medianSpikes: number;
  meanSoma: number;
  meanClippedSoma: number;
  wallSeconds: number;
}

export async function measureOutputRate(opts: RateOptions): Promise<RateSummary> {
  if (!(opts.workers >= 1)) throw new RangeError(`workers must be ≥ 1, got ${opts.workers}`);
  const started = Date.now();
  const deadline = started + opts.budgetSeconds * 1000;
  const results: TrialResult[] = [];
  let nextSeed = 1;
  const workerData: Omit<TrialRequest, 'seed'> = {
    cell: opts.cell,
    morphology: opts.morphology,
    durationMs: opts.durationMs,
  };
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./rate-worker.js', import.meta.url), { workerData });
      const next = (): void => {
        if (Date.now() < deadline && nextSeed <= opts.maxTrials) worker.postMessage(nextSeed++);
        else worker.postMessage(null);
      };
      worker.on('message', (msg: TrialResult | 'ready') => {
        if (msg !== 'ready') {
          results.push(msg);
          opts.onTrial?.(msg);
        }
        next();
      });
      worker.on('error', reject);
      worker.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`rate worker exited with ${code}`)),
      );
    });
  await Promise.all(Array.from({ length: opts.workers }, runWorker));
  results.sort((a, b) => a.seed - b.seed);
  return summarise(results, opts.durationMs, (Date.now() - started) / 1000);
}

export function summarise(trials: TrialResult[], durationMs: number, wallSeconds: number): RateSummary {
  const n = trials.length;
  if (n === 0) throw new Error('no trial finished within the time budget');
  const rates = trials.map((t) => t.spikes / (durationMs / 1000));
  const mean = rates.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? rates.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : NaN;
  const counts = trials.map((t) => t.spikes).sort((a, b) => a - b);
  const median = n % 2 ? counts[(n - 1) / 2] : (counts[n / 2 - 1] + counts[n / 2]) / 2;
  return {
    trials,
    meanHz: mean,
    semHz: Math.sqrt(variance / n),
    totalSpikes: counts.reduce((a, b) => a + b, 0),
    medianSpikes: median,
    meanSoma: trials.reduce((a, t) => a + t.meanSoma, 0) / n,
    meanClippedSoma: trials.reduce((a, t) => a + t.meanClippedSoma, 0) / n,
    wallSeconds,
  };
}
