import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledModule } from '../core/package-root.js';
import { checkSeed } from '../core/rng.js';
import { inputFamily } from '../inputs/families.js';
import { cellInfo, hasLanes } from '../reference/cells/registry.js';
import { resolveIntegration, type GivenIntegration } from '../reference/integration.js';
import { DatasetWriter, h5Ready, type DatasetHeader } from './hdf5.js';
import type { TrialBatch, TrialJob, WorkerInit, WorkerReply } from './generate-protocol.js';
import { parseRedisUrl } from './queue/redis-url.js';
import { trialSeed } from './seeds.js';
import { batchSize, runBatch } from './run-batch.js';
import { TrialRunner } from './simulate-trial.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { readTrialPart } from './trial-part.js';

/**
 * Generates a dataset of N trials in parallel and writes it as one HDF5 file.
 *
 * - Trial i uses the seed trialSeed(baseSeed, i), so the data does not depend on the worker count.
 * - Every finished trial is persisted at once as FILE.parts/trial-NNNNNNN.part (atomic rename);
 *   FILE.parts/run.json records the run's parameters. A rerun with the same parameters skips the
 *   trials already there (resume); different parameters are refused.
 * - The HDF5 file is written under a temporary name and renamed when complete; then the parts
 *   folder is removed. An interrupted run therefore never leaves a file that looks complete.
 *
 * Workers are worker_threads running the compiled dist/src/dataset/generate-worker.js (also when
 * this module itself runs from TypeScript sources under jest: `npm test` builds dist/ first).
 * `workers: 0` runs the trials in this thread instead.
 * - A compartmental cell's trials run two at a time in lockstep (`lanes`, one lane each; cheaper per
 *   trial), the same trials to the bit as one at a time, so the file does not depend on `lanes`.
 */
export interface GenerateOptions {
  cell: string;
  trials: number;
  durationMs: number;
  baseSeed: number;
  out: string;
  /** worker threads; default: number of CPU cores; 0 = in this thread */
  workers?: number;
  neuronOptions?: Record<string, unknown>;
  /** morphology file (.swc/.asc) of a compartmental cell; default: the cell's procedural morphology */
  morphology?: string;
  /** also store every dendritic compartment's voltage per bin (/outputs/dendritic_voltage) */
  dendrites?: boolean;
  /** input family (src/inputs/families.ts; default: the paper's statistics) */
  family?: string;
  /**
   * trials a worker steps together in lockstep: 1 or 2 (default: 2 for a compartmental cell, 1 for a
   * point neuron); the data are the same either way
   */
  lanes?: number;
  /** integrator of a compartmental cell (unset fields: DEFAULT_INTEGRATION's) */
  integration?: GivenIntegration;
  commandLine?: string;
  /**
   * redis://HOST:PORT: put the trials on the BullMQ queue there for `neurotwin worker` processes
   * instead of running them on local threads (src/dataset/queue/run-on-queue.ts)
   */
  queue?: string;
  onProgress?: (done: number, total: number) => void;
  /** status lines of the queue path (workers connected, trials queued) */
  onLog?: (line: string) => void;
  /** stops dispatching and rejects; finished trials stay on disk for a resume */
  signal?: AbortSignal;
}

export interface GenerateResult {
  out: string;
  trials: number;
  /** trials simulated by this run (the rest were resumed from parts) */
  computed: number;
  resumed: number;
  workers: number;
  wallSeconds: number;
  /** mean wall time of one trial inside a worker, s */
  meanTrialSeconds: number;
}

const PART_NAME = /^trial-(\d{7})\.part$/;
const partName = (i: number): string => `trial-${String(i).padStart(7, '0')}.part`;

export function partsDirOf(out: string): string {
  return `${out}.parts`;
}

export function validateGenerateOptions(o: GenerateOptions): void {
  const info = cellInfo(o.cell);
  if (o.morphology !== undefined) {
    if (!info.compartmental)
      throw new RangeError(`cell '${o.cell}' is a point neuron and takes no morphology`);
    if (!existsSync(o.morphology)) throw new RangeError(`morphology file ${o.morphology} does not exist`);
  }
  if (o.dendrites && !info.compartmental)
    throw new RangeError(
      `cell '${o.cell}' has no dendrites to record (--dendrites needs a compartmental cell)`,
    );
  if (!Number.isInteger(o.trials) || o.trials <= 0)
    throw new RangeError(`trials must be a positive integer, got ${String(o.trials)}`);
  if (!Number.isInteger(o.durationMs) || o.durationMs <= 0) {
    throw new RangeError(`duration must be a positive integer number of ms, got ${String(o.durationMs)}`);
  }
  checkSeed(o.baseSeed, 'seed');
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 0)) {
    throw new RangeError(`workers must be a non-negative integer, got ${String(o.workers)}`);
  }
  const { method, dt, spikeDt } = o.integration ?? {};
  if ((method !== undefined || dt !== undefined || spikeDt !== undefined) && !info.compartmental)
    throw new RangeError(
      `cell '${o.cell}' is a point neuron: --method, --dt and --spike-dt apply to compartmental cells`,
    );
  // method, dt and spikeDt, each and together (spikeDt below dt)
  if (info.compartmental) resolveIntegration(o.integration);
  if (o.lanes !== undefined) {
    if (o.lanes !== 1 && o.lanes !== 2) throw new RangeError(`lanes must be 1 or 2, got ${String(o.lanes)}`);
    if (o.lanes > 1 && !hasLanes(o.cell))
      throw new RangeError(
        `cell '${o.cell}' is a point neuron: trials in lockstep (lanes) need a compartmental cell`,
      );
  }
  if (o.family !== undefined) inputFamily(info.defaultInputs(runNeuronOptions(o)), o.family);
  if (o.queue !== undefined) {
    parseRedisUrl(o.queue);
    if (o.family !== undefined && o.family !== 'paper')
      throw new RangeError(
        '--inputs-family is not carried by queued jobs yet: generate other families locally',
      );
    if (o.workers !== undefined)
      throw new RangeError(
        '--workers is for local generation; with --queue, trials run on `neurotwin worker` processes',
      );
  }
  if (!o.out) throw new RangeError('an output file is required');
  if (!/\.(h5|hdf5)$/i.test(o.out))
    throw new RangeError(`output file ${o.out} must end in .h5 (datasets are HDF5; simulate writes JSON)`);
  if (!existsSync(dirname(resolve(o.out))))
    throw new RangeError(`output folder ${dirname(resolve(o.out))} does not exist`);
}

/** Locates the compiled worker script: next to this module in dist/, or dist/ of the project root. */
export function workerScriptPath(): string {
  return fileURLToPath(compiledModule('dataset/generate-worker.js', import.meta.url));
}

/**
 * The neuron options a run passes to every TrialRunner: the caller's, plus the morphology file and,
 * for a compartmental cell, the integration (given or default) spelled out, so that the run record
 * pins it even if the default changes before a resume.
 */
function runNeuronOptions(options: GenerateOptions): Record<string, unknown> {
  const neuronOptions = { ...(options.neuronOptions ?? {}) };
  if (options.morphology !== undefined) neuronOptions.morphologyFile = resolve(options.morphology);
  if (cellInfo(options.cell).compartmental) {
    const { method, dt, spikeDt } = resolveIntegration(options.integration);
    neuronOptions.method = method;
    neuronOptions.dt = dt;
    if (spikeDt !== undefined) neuronOptions.spikeDt = spikeDt;
    else delete neuronOptions.spikeDt;
  }
  return neuronOptions;
}

/** What the file's `morphology` attribute says: the file used, or the cell's built-in morphology. */
function morphologyName(options: GenerateOptions): string | undefined {
  if (!cellInfo(options.cell).compartmental) return undefined;
  return options.morphology !== undefined ? resolve(options.morphology) : 'procedural';
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateResult> {
  validateGenerateOptions(options);
  const started = performance.now();
  const info = cellInfo(options.cell);
  const neuronOptions = runNeuronOptions(options);
  const inputs = inputFamily(info.defaultInputs(neuronOptions), options.family ?? 'paper');
  const partsDir = partsDirOf(options.out);
  mkdirSync(partsDir, { recursive: true });
  const runRecord = {
    format: 'neurotwin-parts',
    version: 1,
    cell: options.cell,
    durationMs: options.durationMs,
    baseSeed: options.baseSeed,
    preset: inputs.preset,
    neuronOptions,
    ...(options.family && options.family !== 'paper' ? { family: options.family } : {}),
    // only when set, so that the run records of earlier runs (without the option) still match
    ...(options.dendrites ? { dendrites: true } : {}),
  };
  checkRunFile(partsDir, runRecord);
  const present = new Set<number>();
  for (const name of readdirSync(partsDir)) {
    const m = PART_NAME.exec(name);
    if (m && Number(m[1]) < options.trials) present.add(Number(m[1]));
  }
  const pending: number[] = [];
  for (let i = 0; i < options.trials; i++) if (!present.has(i)) pending.push(i);
  const workers = Math.min(options.workers ?? cpus().length, pending.length);
  let done = present.size;
  options.onProgress?.(done, options.trials);
  const trialMs: number[] = [];
  const onDone = (reply: WorkerReply): void => {
    trialMs.push(reply.ms);
    done++;
    options.onProgress?.(done, options.trials);
  };
  const jobs = pending.map((index): TrialJob => ({
    index,
    seed: trialSeed(options.baseSeed, index),
    path: join(partsDir, partName(index)),
  }));
  let usedWorkers = options.workers === 0 ? 0 : workers;
  if (options.queue !== undefined) {
    // imported here so that local generation never loads bullmq
    const { runOnQueue } = await import('./queue/run-on-queue.js');
    const summary = await runOnQueue({
      url: options.queue,
      out: options.out,
      runRecord: JSON.stringify(runRecord),
      cell: options.cell,
      durationMs: options.durationMs,
      dendrites: options.dendrites === true,
      neuronOptions,
      jobs,
      onDone,
      onLog: options.onLog,
      signal: options.signal,
    }).catch((err: unknown) => {
      throw options.signal?.aborted ? abortError() : err;
    });
    usedWorkers = summary.workers;
  } else if (workers === 0 || options.workers === 0) runInThisThread(options, neuronOptions, jobs, onDone);
  else await runOnWorkers(options, neuronOptions, jobs, workers, onDone);

  const first = readTrialPart(join(partsDir, partName(0)));
  const header: DatasetHeader = {
    cell: options.cell,
    // counts of the morphology actually used (the registry's are those of the default cell)
    nExc: inputs.nExc,
    nInh: inputs.nInh,
    durationMs: options.durationMs,
    labelConvention: info.labelConvention,
    generatorPreset: inputs.preset,
    generatorConfig: inputs,
    groups: inputs.groups.map((g) => g.name),
    baseSeed: options.baseSeed,
    commandLine: options.commandLine ?? '',
    morphology: morphologyName(options),
    ...(info.compartmental
      ? {
          integrationMethod: String(neuronOptions.method),
          dtMs: Number(neuronOptions.dt),
          ...(neuronOptions.spikeDt !== undefined ? { spikeDtMs: Number(neuronOptions.spikeDt) } : {}),
        }
      : {}),
    dendriticCompartments: first.dendriticVoltage ? first.dendriticVoltage.length / options.durationMs : 0,
  };
  await h5Ready();
  const writer = new DatasetWriter(options.out, header);
  try {
    for (let i = 0; i < options.trials; i++) writer.append(readTrialPart(join(partsDir, partName(i))));
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
  rmSync(partsDir, { recursive: true, force: true });
  return {
    out: options.out,
    trials: options.trials,
    computed: pending.length,
    resumed: present.size,
    workers: usedWorkers,
    wallSeconds: (performance.now() - started) / 1000,
    meanTrialSeconds: trialMs.length ? trialMs.reduce((a, b) => a + b, 0) / trialMs.length / 1000 : 0,
  };
}

function checkRunFile(partsDir: string, run: Record<string, unknown>): void {
  const path = join(partsDir, 'run.json');
  if (existsSync(path)) {
    const previous = readFileSync(path, 'utf8');
    if (previous !== JSON.stringify(run)) {
      throw new Error(
        `${partsDir} holds parts of a different run (${previous}); remove it or rerun with the same cell, duration and seed`,
      );
    }
  } else {
    writeFileAtomic(path, JSON.stringify(run));
  }
}

function abortError(): Error {
  const err = new Error('generation interrupted; finished trials are kept for a resume');
  err.name = 'AbortError';
  return err;
}

function runInThisThread(
  options: GenerateOptions,
  neuronOptions: Record<string, unknown>,
  jobs: TrialJob[],
  onDone: (r: WorkerReply) => void,
): void {
  if (jobs.length === 0) return;
  const runner = new TrialRunner(options.cell, options.durationMs, {
    neuronOptions,
    recordDendrites: options.dendrites,
    family: options.family,
  });
  const lanes = lanesOf(options);
  for (let next = 0; next < jobs.length;) {
    if (options.signal?.aborted) throw abortError();
    const batch = jobs.slice(next, next + batchSize(jobs.length - next, lanes, 1));
    next += batch.length;
    for (const reply of runBatch(runner, batch)) onDone(reply);
  }
}

function lanesOf(options: GenerateOptions): number {
  return options.lanes ?? (hasLanes(options.cell) ? 2 : 1);
}

function runOnWorkers(
  options: GenerateOptions,
  neuronOptions: Record<string, unknown>,
  jobs: TrialJob[],
  count: number,
  onDone: (r: WorkerReply) => void,
): Promise<void> {
  const script = workerScriptPath();
  const init: WorkerInit = {
    cell: options.cell,
    durationMs: options.durationMs,
    neuronOptions,
    recordDendrites: options.dendrites,
    family: options.family,
  };
  return new Promise<void>((resolvePromise, reject) => {
    const pool: Worker[] = [];
    const lanes = lanesOf(options);
    /** trials each worker has yet to reply for */
    const outstanding = new Map<Worker, number>();
    let next = 0;
    let inFlight = 0;
    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      void Promise.all(pool.map((w) => w.terminate())).then(() => (err ? reject(err) : resolvePromise()));
    };
    const onAbort = (): void => finish(abortError());
    const dispatch = (w: Worker): void => {
      if (finished) return;
      if (options.signal?.aborted) return finish(abortError());
      if (next < jobs.length) {
        let idle = 0;
        for (const n of outstanding.values()) if (n === 0) idle++;
        const batch: TrialBatch = jobs.slice(next, next + batchSize(jobs.length - next, lanes, idle));
        next += batch.length;
        inFlight += batch.length;
        outstanding.set(w, batch.length);
        w.postMessage(batch);
      } else if (inFlight === 0) finish();
    };
    options.signal?.addEventListener('abort', onAbort);
    for (let k = 0; k < count; k++) {
      const w = new Worker(script, { workerData: init });
      pool.push(w);
      outstanding.set(w, 0);
      w.on('message', (reply: WorkerReply) => {
        inFlight--;
        if (reply.error) return finish(new Error(`trial ${reply.index} failed: ${reply.error}`));
        onDone(reply);
        const left = (outstanding.get(w) ?? 1) - 1;
        outstanding.set(w, left);
        if (left === 0) dispatch(w);
      });
      w.on('error', (err) => finish(err));
      w.on('exit', (code) => {
        if (!finished) finish(new Error(`generation worker exited with code ${code}`));
      });
    }
    for (const w of pool) dispatch(w);
  });
}
