/**
 * The generating side of queued generation (`neurotwin generate --queue redis://HOST:PORT`): puts the
 * run's pending trials on the BullMQ queue, collects each finished trial from Redis into the run's
 * parts folder (the same part files a local run writes, so resume and the final HDF5 file are
 * shared with the local path), and removes the job and its result from Redis.
 *
 * Job ids are RUN-INDEX with RUN derived from this machine, the output path and the run's
 * parameters, so a rerun of the same command finds the jobs of an interrupted one: results that
 * finished meanwhile are collected, jobs still waiting or running are kept, failed ones are queued
 * again. An interrupt or a failed trial removes this run's jobs that no worker has started.
 *
 * Completions arrive as queue events; a periodic sweep of the outstanding jobs' states also
 * catches any event lost to a dropped connection.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from '../generate-protocol.js';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { decodeTrial } from '../trial-part.js';
import { connectionOptions, connectRedis } from './connection.js';
import { publishMorphology } from './morphology-store.js';
import {
  JOB_FORMAT,
  JOB_VERSION,
  jobId,
  KEY_TTL_SECONDS,
  neurotwinVersion,
  QUEUE_NAME,
  resultKey,
  type TrialJobData,
  type TrialJobResult,
} from './trial-job.js';

export interface QueueRunRequest {
  url: string;
  /** output file and run record (run.json's text): they name the run's jobs */
  out: string;
  runRecord: string;
  cell: string;
  durationMs: number;
  dendrites: boolean;
  /** the run's cell options (morphologyFile, method and dt among them) */
  neuronOptions: Record<string, unknown>;
  jobs: TrialJob[];
  onDone: (reply: { index: number; ms: number }) => void;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** how often outstanding jobs are checked besides the events, ms */
  sweepMs?: number;
}

export interface QueueRunSummary {
  /** distinct workers that delivered this run's trials */
  workers: number;
}

const ATTEMPTS = 3;
const CHUNK = 500;

export function runIdOf(out: string, runRecord: string): string {
  return createHash('sha256')
    .update(`${hostname()}\n${resolve(out)}\n${runRecord}`)
    .digest('hex')
    .slice(0, 16);
}

export async function runOnQueue(request: QueueRunRequest): Promise<QueueRunSummary> {
  if (request.jobs.length === 0) return { workers: 0 };
  const { redis, address } = await connectRedis(request.url);
  const connection = connectionOptions(address);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const collector = new Collector(request, redis, queue, address.display);
    events.on('completed', ({ jobId: id }) => collector.onCompleted(id));
    events.on('failed', ({ jobId: id, failedReason }) => collector.onFailed(id, failedReason));
    return await collector.run(await jobTemplate(request, redis));
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    await redis.quit().catch(() => redis.disconnect());
  }
}

async function jobTemplate(
  request: QueueRunRequest,
  redis: Redis,
): Promise<Omit<TrialJobData, 'index' | 'seed'>> {
  const { morphologyFile, method, dt, spikeDt, ...rest } = request.neuronOptions;
  const template: Omit<TrialJobData, 'index' | 'seed'> = {
    format: JOB_FORMAT,
    version: JOB_VERSION,
    neurotwin: neurotwinVersion(),
    run: runIdOf(request.out, request.runRecord),
    cell: request.cell,
    durationMs: request.durationMs,
    dendrites: request.dendrites,
    neuronOptions: rest,
  };
  if (method !== undefined) template.method = String(method);
  if (dt !== undefined) template.dt = Number(dt);
  if (spikeDt !== undefined) template.spikeDt = Number(spikeDt);
  if (morphologyFile !== undefined)
    template.morphology = await publishMorphology(redis, String(morphologyFile));
  return template;
}

class Collector {
  private readonly outstanding = new Map<string, TrialJob>();
  private readonly collecting = new Set<string>();
  private readonly workers = new Set<string>();
  private template!: Omit<TrialJobData, 'index' | 'seed'>;
  private settle: ((err?: Error) => void) | null = null;
  private workersConnected = -1;
  /** set once the run has finished, failed or been interrupted: nothing more is queued */
  private stopped = false;

  constructor(
    private readonly request: QueueRunRequest,
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly display: string,
  ) {}

  async run(template: Omit<TrialJobData, 'index' | 'seed'>): Promise<QueueRunSummary> {
    this.template = template;
    for (const job of this.request.jobs) this.outstanding.set(jobId(template.run, job.index), job);
    const log = this.request.onLog ?? ((): void => {});
    const finished = new Promise<void>((resolvePromise, reject) => {
      this.settle = (err) => {
        this.settle = null;
        this.stopped = true;
        if (err) reject(err);
        else resolvePromise();
      };
    });
    finished.catch(() => {}); // awaited below; a failure during enqueue must not go unhandled meanwhile
    const onAbort = (): void =>
      this.fail(new Error('generation interrupted; finished trials are kept for a resume'));
    this.request.signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.request.signal?.aborted) onAbort();
      const { queued, kept } = await this.enqueue();
      timer = setInterval(() => this.track(this.sweep()), this.request.sweepMs ?? 15_000);
      log(
        `queued ${queued} trials on ${this.display} (queue ${QUEUE_NAME}, run ${template.run})` +
          (kept ? `, ${kept} already queued or running` : ''),
      );
      await this.reportWorkers();
      if (this.outstanding.size === 0) this.settle?.();
      await finished;
    } catch (err) {
      await this.withdraw();
      throw err;
    } finally {
      clearInterval(timer);
      this.request.signal?.removeEventListener('abort', onAbort);
      while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    }
    return { workers: this.workers.size };
  }

  onCompleted(id: string): void {
    if (this.outstanding.has(id)) this.track(this.collect(id));
  }

  /** Collections started by events or sweeps; run() waits for them before the connections close. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((err: Error) => this.fail(err)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  onFailed(id: string, reason: string): void {
    const job = this.outstanding.get(id);
    if (job) this.fail(new Error(`trial ${job.index} failed: ${reason}`));
  }

  private fail(err: Error): void {
    this.settle?.(err);
  }

  /** Queues what is not on the queue yet; collects or requeues what an earlier run left there. */
  private async enqueue(): Promise<{ queued: number; kept: number }> {
    const toAdd: TrialJob[] = [];
    let kept = 0;
    const ids = [...this.outstanding.keys()];
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      const states = await Promise.all(chunk.map((id) => this.queue.getJobState(id)));
      for (let k = 0; k < chunk.length; k++) {
        const id = chunk[k];
        const state = states[k];
        if (state === 'completed' && (await this.collect(id))) continue;
        if (state === 'completed' || state === 'failed') await this.queue.remove(id);
        if (state === 'completed' || state === 'failed' || state === 'unknown')
          toAdd.push(this.outstanding.get(id)!);
        else kept++;
      }
    }
    for (let at = 0; at < toAdd.length; at += CHUNK) await this.add(toAdd.slice(at, at + CHUNK));
    return { queued: toAdd.length, kept };
  }

  private async add(jobs: TrialJob[]): Promise<void> {
    if (this.stopped) return;
    await this.queue.addBulk(
      jobs.map((job) => {
        const data: TrialJobData = { ...this.template, index: job.index, seed: job.seed };
        return {
          name: 'trial',
          data,
          opts: {
            jobId: jobId(this.template.run, job.index),
            attempts: ATTEMPTS,
            backoff: { type: 'fixed', delay: 1000 },
            removeOnComplete: { age: KEY_TTL_SECONDS },
            removeOnFail: { age: KEY_TTL_SECONDS },
          },
        };
      }),
    );
  }

  /** Moves a finished trial from Redis into its part file; false if its result is not there. */
  private async collect(id: string): Promise<boolean> {
    const job = this.outstanding.get(id);
    if (!job || this.collecting.has(id)) return true;
    this.collecting.add(id);
    try {
      const key = resultKey(this.template.run, job.index);
      const bytes = await this.redis.getBuffer(key);
      if (!bytes) return false;
      const trial = decodeTrial(bytes, `queued result of trial ${job.index}`);
      if (trial.seed !== job.seed || trial.durationMs !== this.request.durationMs)
        throw new Error(
          `queued result of trial ${job.index} is not this run's (seed ${trial.seed}, ${trial.durationMs} ms; expected ${job.seed}, ${this.request.durationMs} ms)`,
        );
      writeFileAtomic(job.path, bytes);
      const result = (await this.queue.getJob(id))?.returnvalue as TrialJobResult | undefined;
      this.outstanding.delete(id);
      await this.redis.del(key);
      await this.queue.remove(id);
      if (result?.worker) this.workers.add(result.worker);
      this.request.onDone({ index: job.index, ms: result?.ms ?? 0 });
      if (this.outstanding.size === 0) this.settle?.();
      return true;
    } finally {
      this.collecting.delete(id);
    }
  }

  /** Catches what the events missed: completed or failed jobs, and jobs that vanished. */
  private async sweep(): Promise<void> {
    if (this.stopped) return;
    const ids = [...this.outstanding.keys()];
    const lost: TrialJob[] = [];
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      const states = await Promise.all(chunk.map((id) => this.queue.getJobState(id)));
      for (let k = 0; k < chunk.length; k++) {
        const id = chunk[k];
        if (states[k] === 'completed' && !(await this.collect(id))) {
          throw new Error(
            `trial ${this.outstanding.get(id)?.index} completed but its result is not in Redis`,
          );
        }
        if (states[k] === 'failed') {
          const job = await this.queue.getJob(id);
          this.onFailed(id, job?.failedReason ?? 'unknown reason');
        }
        if (states[k] === 'unknown' && this.outstanding.has(id)) lost.push(this.outstanding.get(id)!);
      }
    }
    if (lost.length && !this.stopped) await this.add(lost);
    await this.reportWorkers();
  }

  private async reportWorkers(): Promise<void> {
    const count = await this.queue.getWorkersCount();
    if (count === this.workersConnected) return;
    this.workersConnected = count;
    this.request.onLog?.(
      count === 0
        ? `no worker is connected; start some with: neurotwin worker --queue ${this.display}`
        : `${count} worker${count === 1 ? '' : 's'} connected`,
    );
  }

  /** Removes this run's jobs that no worker has started (started ones finish and wait for a resume). */
  private async withdraw(): Promise<void> {
    await Promise.allSettled([...this.outstanding.keys()].map((id) => this.queue.remove(id)));
  }
}
