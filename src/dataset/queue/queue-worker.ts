/**
 * The worker side of queued generation (`neurotwin worker`): takes trial jobs from the BullMQ queue,
 * checks that it can honour them, simulates them on its own threads and stores each result in Redis
 * for the generating side to collect.
 *
 * A worker that dies mid-trial stops renewing the job's lock; after `lockDuration` another worker's
 * stalled-job check puts the job back in the queue and it is simulated again elsewhere (a trial is a
 * pure function of its job, so a repeat gives the same bytes). A refused job fails at once with the
 * reason; other errors are retried up to the job's attempts.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectionOptions, connectRedis } from './connection.js';
import { fetchMorphology } from './morphology-store.js';
import { ThreadPool } from './thread-pool.js';
import {
  checkTrialJob,
  KEY_TTL_SECONDS,
  QUEUE_NAME,
  resultKey,
  TrialRefusal,
  type TrialJobData,
  type TrialJobResult,
} from './trial-job.js';

export interface QueueWorkerOptions {
  url: string;
  /** trials simulated at once (one thread each) */
  concurrency: number;
  /** how long a job's lock lasts without renewal, ms: how soon a dead worker's trial is retried */
  lockDuration?: number;
  /** how often this worker looks for stalled jobs, ms */
  stalledInterval?: number;
  /** how many times a job may stall (its worker die) before it fails */
  maxStalledCount?: number;
  /** progress lines (one per trial started / finished / failed) */
  log?: (line: string) => void;
  /** local folder for morphology copies */
  morphologyCache?: string;
}

export interface QueueWorkerHandle {
  name: string;
  /** waits for the trials in progress, then disconnects */
  close(): Promise<void>;
}

export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_MAX_STALLED_COUNT = 5;

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  const { redis, address } = await connectRedis(options.url);
  const name = `${hostname()}:${process.pid}`;
  const log = options.log ?? ((): void => {});
  const pool = new ThreadPool(options.concurrency);

  const processor = async (job: Job): Promise<TrialJobResult> => {
    let data: TrialJobData;
    try {
      data = checkTrialJob(job.data);
      const neuronOptions: Record<string, unknown> = { ...data.neuronOptions };
      if (data.method !== undefined) neuronOptions.method = data.method;
      if (data.dt !== undefined) neuronOptions.dt = data.dt;
      if (data.spikeDt !== undefined) neuronOptions.spikeDt = data.spikeDt;
      if (data.morphology)
        neuronOptions.morphologyFile = await fetchMorphology(redis, data.morphology, options.morphologyCache);
      log(`trial ${data.index} of run ${data.run} (${data.cell}, ${data.durationMs} ms) started`);
      const { ms, bytes } = await pool.run({
        cell: data.cell,
        durationMs: data.durationMs,
        neuronOptions,
        dendrites: data.dendrites,
        seed: data.seed,
      });
      await redis.set(resultKey(data.run, data.index), bytes, 'EX', KEY_TTL_SECONDS);
      log(
        `trial ${data.index} of run ${data.run} done in ${(ms / 1000).toFixed(2)} s (${bytes.length} bytes)`,
      );
      return { ms, bytes: bytes.length, worker: name };
    } catch (err) {
      if (err instanceof TrialRefusal) throw new UnrecoverableError(`refused by ${name}: ${err.message}`);
      throw err;
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connectionOptions(address),
    concurrency: options.concurrency,
    lockDuration: options.lockDuration ?? DEFAULT_LOCK_DURATION_MS,
    ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    maxStalledCount: options.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    name,
  });
  worker.on('failed', (job, err) => {
    log(`job ${job?.id ?? '?'} failed: ${err.message.split('\n')[0]}`);
  });
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  log(`worker ${name} on ${address.display} (queue ${QUEUE_NAME}), ${options.concurrency} threads`);

  return {
    name,
    close: async () => {
      await worker.close();
      await pool.close();
      await redis.quit();
    },
  };
}
