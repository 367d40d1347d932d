/**
 * What travels through Redis for one queued trial, and the checks a worker makes before it accepts
 * one. A job is small (about 300 bytes of JSON); the bulky parts travel beside it under their own
 * keys: the morphology file once per run (content-addressed), and each finished trial as one binary
 * value in the part-file format (trial-part.ts), deleted once the generating side has stored it.
 */
import { packageVersion } from '../../core/package-root.js';
import { checkSeed } from '../../core/rng.js';
import { cellInfo } from '../../reference/cells/registry.js';

/** The BullMQ queue every generator and worker of this project shares. */
export const QUEUE_NAME = 'neurotwin-trials';
export const JOB_FORMAT = 'neurotwin-trial-job';
export const JOB_VERSION = 1;
/** Redis keys of results and morphologies expire after a week if nobody collects them. */
export const KEY_TTL_SECONDS = 7 * 24 * 3600;

export interface TrialJobData {
  format: typeof JOB_FORMAT;
  version: number;
  /** the neurotwin version of the generating side: workers of another version refuse the job */
  neurotwin: string;
  /** identifies one generate run (its output file on its machine and its parameters) */
  run: string;
  index: number;
  seed: number;
  cell: string;
  durationMs: number;
  /** integrator of a compartmental cell; absent: the engine's default */
  method?: string;
  dt?: number;
  /** spike-adaptive integration: the fine substep, ms */
  spikeDt?: number;
  dendrites: boolean;
  /** further cell options (JSON), without the morphology */
  neuronOptions: Record<string, unknown>;
  /** the morphology file, sent once per run under morphologyKey(sha256) */
  morphology?: { name: string; sha256: string };
}

/** What the worker's processor returns (stored by BullMQ as the job's return value). */
export interface TrialJobResult {
  /** wall time of the simulation, ms */
  ms: number;
  /** size of the result value, bytes */
  bytes: number;
  /** host:pid of the worker that simulated it */
  worker: string;
}

export const jobId = (run: string, index: number): string => `${run}-${index}`;
export const resultKey = (run: string, index: number): string => `neurotwin:result:${run}:${index}`;
export const morphologyKey = (sha256: string): string => `neurotwin:morphology:${sha256}`;

/** A job a worker will not run: it fails at once (no retries) with this message. */
export class TrialRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrialRefusal';
  }
}

/** This installation's version (both sides of a queue must run the same). */
export function neurotwinVersion(): string {
  return packageVersion();
}

const KNOWN_METHODS = ['backward-euler', 'crank-nicolson'];

/** Checks a job's data before anything is simulated; throws TrialRefusal naming the problem. */
export function checkTrialJob(data: unknown): TrialJobData {
  const job = data as Partial<TrialJobData> | null;
  if (!job || typeof job !== 'object' || job.format !== JOB_FORMAT)
    throw new TrialRefusal('not a neurotwin trial job');
  if (job.version !== JOB_VERSION)
    throw new TrialRefusal(
      `job format version ${String(job.version)}, this worker reads version ${JOB_VERSION}`,
    );
  if (job.neurotwin !== neurotwinVersion())
    throw new TrialRefusal(
      `job from neurotwin ${String(job.neurotwin)}, this worker is ${neurotwinVersion()}: run the same version on both sides so that the data match`,
    );
  if (typeof job.run !== 'string' || !/^[0-9a-f]{16}$/.test(job.run))
    throw new TrialRefusal(`bad run id ${JSON.stringify(job.run)}`);
  if (!Number.isInteger(job.index) || (job.index as number) < 0)
    throw new TrialRefusal(`bad trial index ${String(job.index)}`);
  try {
    checkSeed(job.seed as number, 'seed');
  } catch (err) {
    throw new TrialRefusal((err as Error).message);
  }
  let compartmental: boolean;
  try {
    compartmental = cellInfo(String(job.cell)).compartmental;
  } catch (err) {
    throw new TrialRefusal((err as Error).message);
  }
  if (!Number.isInteger(job.durationMs) || (job.durationMs as number) <= 0)
    throw new TrialRefusal(`duration must be a positive integer number of ms, got ${String(job.durationMs)}`);
  if (typeof job.dendrites !== 'boolean') throw new TrialRefusal('dendrites must be true or false');
  if (
    !compartmental &&
    (job.dendrites ||
      job.method !== undefined ||
      job.dt !== undefined ||
      job.spikeDt !== undefined ||
      job.morphology)
  )
    throw new TrialRefusal(
      `cell '${job.cell}' is a point neuron: dendrites, method, dt, spikeDt and morphology do not apply`,
    );
  if (job.method !== undefined && !KNOWN_METHODS.includes(job.method))
    throw new TrialRefusal(`unknown integration method '${job.method}' (${KNOWN_METHODS.join(' or ')})`);
  for (const [what, dt] of [
    ['dt', job.dt],
    ['spikeDt', job.spikeDt],
  ] as const) {
    if (dt === undefined) continue;
    if (!(typeof dt === 'number' && dt > 0 && Math.abs(1 / dt - Math.round(1 / dt)) < 1e-9))
      throw new TrialRefusal(`${what} must divide 1 ms into a whole number of substeps, got ${String(dt)}`);
  }
  const options = job.neuronOptions;
  if (!options || typeof options !== 'object' || Array.isArray(options))
    throw new TrialRefusal('neuronOptions must be an object');
  for (const key of ['morphologyFile', 'morphology', 'tree', 'method', 'dt', 'spikeDt'])
    if (key in options)
      throw new TrialRefusal(`neuronOptions.${key} cannot travel in a job (it has its own field)`);
  if (job.morphology !== undefined) {
    const m = job.morphology;
    if (
      typeof m.name !== 'string' ||
      !/\.(swc|asc)$/i.test(m.name) ||
      typeof m.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(m.sha256)
    )
      throw new TrialRefusal(`bad morphology reference ${JSON.stringify(m)}`);
  }
  return job as TrialJobData;
}
