/**
 * Generation across machines: `generate --queue` against a real Debian redis-server on a loopback
 * port and `neurotwin worker` processes (the compiled CLI in dist/; `npm test` builds it first).
 * One worker is killed with SIGKILL in the middle of a trial, the generating side is interrupted
 * and resumed, and the result must equal a local run of the same seed array by array.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { datasetBytes } from '../unit/dataset/dataset-bytes.js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { generateDataset, partsDirOf } from '../../src/dataset/generate.js';
import { runIdOf, runOnQueue } from '../../src/dataset/queue/run-on-queue.js';
import {
  jobId,
  JOB_FORMAT,
  JOB_VERSION,
  neurotwinVersion,
  QUEUE_NAME,
  type TrialJobData,
} from '../../src/dataset/queue/trial-job.js';
import { readTrialPart } from '../../src/dataset/trial-part.js';
import { redisServerAvailable, startRedis, type TestRedis } from '../fixtures/redis-server.js';
import { writeTinyPyramid } from '../unit/cli/tiny-morphology.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'neurotwin.js');
const built = existsSync(join(ROOT, 'dist', 'src', 'dataset', 'queue', 'trial-thread.js'));
const haveRedis = redisServerAvailable();
if (!haveRedis)
  console.warn(
    'queue generation tests skipped: redis-server is not installed (apt-get install redis-server)',
  );
else if (!built) console.warn('queue generation tests skipped: run `npm run build` first (the worker CLI)');

/** A `neurotwin worker` process whose stderr is kept for assertions. */
class WorkerProcess {
  readonly child: ChildProcess;
  log = '';
  private readonly waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(url: string) {
    this.child = spawn(
      process.execPath,
      [
        CLI,
        'worker',
        '--queue',
        url,
        '--concurrency',
        '1',
        '--lock-duration',
        '2000',
        '--stalled-interval',
        '1000',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.log += chunk;
      for (const w of [...this.waiters]) {
        const m = this.log.match(w.re);
        if (m) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
  }

  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    const m = this.log.match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolvePromise) => this.waiters.push({ re, resolve: resolvePromise }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** The state a job ends in (completed or failed), polled; 'timeout' after a minute. */
async function settledState(queue: Queue, id: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'timeout';
}

/** Every dataset's values and every file attribute but the command line, by path. */
async function contents(path: string): Promise<Map<string, unknown>> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'r');
  const out = new Map<string, unknown>();
  for (const [name, attr] of Object.entries(f.attrs))
    if (name !== 'command_line') out.set(`@${name}`, attr.value);
  f.close();
  for (const [p, bytes] of await datasetBytes(path)) out.set(p, bytes);
  return out;
}

(haveRedis && built ? describe : describe.skip)('generation on a Redis queue with worker processes', () => {
  let redis: TestRedis;
  let client: Redis;
  let dir: string;
  let swc: string;
  const workers: WorkerProcess[] = [];
  const spec = { cell: 'l5pc-ampa', trials: 4, durationMs: 3000, baseSeed: 21, dendrites: true };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-queue-'));
    swc = writeTinyPyramid(dir);
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    client?.disconnect();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const startWorker = async (): Promise<WorkerProcess> => {
    const w = new WorkerProcess(redis.url);
    workers.push(w);
    await w.waitFor(/worker \S+ on redis:/);
    return w;
  };
  const ensureWorker = async (): Promise<void> => {
    if (!workers.some((w) => w.child.exitCode === null && w.child.signalCode === null)) await startWorker();
  };

  it('survives a worker killed mid-trial and an interrupted generator, and writes what a local run writes', async () => {
    const local = join(dir, 'local.h5');
    await generateDataset({ ...spec, morphology: swc, out: local, workers: 0 });

    const [a, b] = [await startWorker(), await startWorker()];
    const out = join(dir, 'queued.h5');
    // phase 1: kill worker A as soon as it is inside a trial; interrupt the generator after two trials
    const controller = new AbortController();
    let killed = -1;
    void a.waitFor(/trial (\d+) of run \S+ \(l5pc-ampa, 3000 ms\) started/).then((m) => {
      killed = Number(m[1]);
      a.child.kill('SIGKILL');
    });
    await expect(
      generateDataset({
        ...spec,
        morphology: swc,
        out,
        queue: redis.url,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 2) controller.abort();
        },
      }),
    ).rejects.toThrow(/interrupted/);
    expect(killed).toBeGreaterThanOrEqual(0);
    expect(a.child.signalCode).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const kept = readdirSync(partsDirOf(out)).filter((n) => n.endsWith('.part')).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(4);

    // phase 2: another worker joins; the same command (now through the CLI) resumes and finishes
    const c = await startWorker();
    const cli = spawn(
      process.execPath,
      [
        CLI,
        'generate',
        '--cell',
        spec.cell,
        '--morphology',
        swc,
        '--dendrites',
        '--trials',
        '4',
        '--duration',
        '3000',
        '--seed',
        '21',
        '--out',
        out,
        '--queue',
        redis.url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => cli.once('exit', r));
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/worker/) as unknown });
    expect(stdout).toMatch(new RegExp(`wrote 4 trials to .* \\(\\d+ simulated, ${kept} resumed\\)`));
    expect(stderr).toMatch(/generate: trials: \d\/4/);
    expect(stderr).toMatch(/2 workers connected/);
    expect(existsSync(partsDirOf(out))).toBe(false);

    // the trial that died with worker A was simulated again by one of the others
    expect(b.log + c.log).toMatch(new RegExp(`trial ${killed} of run \\S+ done`));
    expect(await contents(out)).toEqual(await contents(local));
    // nothing of the run is left in Redis but the morphology (it expires on its own)
    expect(await client.keys('neurotwin:result:*')).toEqual([]);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    await queue.close();
    expect(counts).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
  });

  it('workers refuse jobs they cannot honour at once, with the reason', async () => {
    await ensureWorker();
    const connection = { host: '127.0.0.1', port: redis.port };
    const queue = new Queue(QUEUE_NAME, { connection });
    const good: TrialJobData = {
      format: JOB_FORMAT,
      version: JOB_VERSION,
      neurotwin: neurotwinVersion(),
      run: '0123456789abcdef',
      index: 0,
      seed: 1,
      cell: 'if',
      durationMs: 50,
      dendrites: false,
      neuronOptions: {},
    };
    const bad: [Partial<TrialJobData>, RegExp][] = [
      [{ neurotwin: '0.0.0-other' }, /job from neurotwin 0\.0\.0-other, this worker is/],
      [{ cell: 'nope' }, /unknown cell 'nope'/],
      [{ cell: 'l5pc-ampa', method: 'runge-kutta' }, /unknown integration method 'runge-kutta'/],
      [{ cell: 'l5pc-ampa', dt: 0.3 }, /dt must divide 1 ms/],
      [{ dendrites: true }, /point neuron/],
      [
        { cell: 'l5pc-ampa', morphology: { name: 'gone.swc', sha256: 'ab'.repeat(32) } },
        /morphology gone\.swc .* is not in Redis/,
      ],
    ];
    try {
      for (const [k, [change, reason]] of bad.entries()) {
        const id = `refuse-${k}`;
        await queue.add('trial', { ...good, ...change, index: k }, { attempts: 3, jobId: id });
        expect(await settledState(queue, id)).toBe('failed');
        const failed = await queue.getJob(id);
        expect(failed?.failedReason).toMatch(reason);
        expect(failed?.failedReason).toMatch(/^refused by \S+:\d+: /);
        expect(failed?.attemptsMade).toBe(1); // no retries for a refusal
      }
    } finally {
      await queue.close();
    }
  });

  it('the generating side names a refused trial, and a rerun queues it again', async () => {
    await ensureWorker();
    const out = join(dir, 'refused.h5');
    const record = '{"test":"refusal"}';
    const run = runIdOf(out, record);
    const path = join(dir, 'refused-trial-0.part');
    const request = {
      url: redis.url,
      out,
      runRecord: record,
      cell: 'if',
      durationMs: 80,
      dendrites: false,
      neuronOptions: {},
      jobs: [{ index: 0, seed: 5, path }],
    };
    // a job of this run queued by another neurotwin version waits on the queue
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    const stale: TrialJobData = {
      format: JOB_FORMAT,
      version: JOB_VERSION,
      neurotwin: '0.0.0-other',
      run,
      index: 0,
      seed: 5,
      cell: 'if',
      durationMs: 80,
      dendrites: false,
      neuronOptions: {},
    };
    await queue.add('trial', stale, { jobId: jobId(run, 0), delay: 1000 });
    await queue.close();
    const done: number[] = [];
    await expect(runOnQueue({ ...request, onDone: (r) => done.push(r.index), sweepMs: 500 })).rejects.toThrow(
      /trial 0 failed: refused by \S+: job from neurotwin 0\.0\.0-other/,
    );
    expect(existsSync(path)).toBe(false);
    await runOnQueue({ ...request, onDone: (r) => done.push(r.index), sweepMs: 500 });
    expect(done).toEqual([0]);
    expect(readTrialPart(path).seed).toBe(5);
  });

  it('says so when Redis cannot be reached', async () => {
    const out = join(dir, 'nowhere.h5');
    await expect(
      generateDataset({
        cell: 'if',
        trials: 1,
        durationMs: 50,
        baseSeed: 1,
        out,
        queue: 'redis://127.0.0.1:1',
      }),
    ).rejects.toThrow(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:1: /);
  });
});

(built ? describe : describe.skip)('local generation without Redis', () => {
  /** Runs the CLI with a module hook that fails any import of bullmq or ioredis. */
  const withoutQueueModules = (args: string[]): { status: number | null; stderr: string } => {
    const hook =
      'export async function resolve(s, c, next) {' +
      ' if (s === "bullmq" || s === "ioredis") throw new Error("imported " + s); return next(s, c); }';
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const r = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, CLI, ...args],
      { encoding: 'utf8' },
    );
    return { status: r.status, stderr: r.stderr };
  };

  it('never imports bullmq or ioredis (and the hook does catch an import on the queue path)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurotwin-noqueue-'));
    try {
      const local = withoutQueueModules([
        'generate',
        '--trials',
        '2',
        '--duration',
        '100',
        '--out',
        join(dir, 'a.h5'),
        '--workers',
        '1',
        '--quiet',
      ]);
      expect(local).toEqual({ status: 0, stderr: '' });
      const queued = withoutQueueModules([
        'generate',
        '--trials',
        '2',
        '--duration',
        '100',
        '--out',
        join(dir, 'b.h5'),
        '--queue',
        'redis://127.0.0.1:1',
      ]);
      expect(queued.status).toBe(1);
      expect(queued.stderr).toMatch(/imported (bullmq|ioredis)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
