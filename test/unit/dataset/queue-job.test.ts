import { describe, it, expect } from '@jest/globals';
import { parseRedisUrl } from '../../../src/dataset/queue/redis-url.js';
import {
  checkTrialJob,
  JOB_FORMAT,
  JOB_VERSION,
  neurotwinVersion,
  TrialRefusal,
  type TrialJobData,
} from '../../../src/dataset/queue/trial-job.js';
import { validateGenerateOptions } from '../../../src/dataset/generate.js';
import { formatDuration, progressLines } from '../../../src/cli/progress-lines.js';

describe('the --queue address', () => {
  it('reads host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://10.0.0.5:6380')).toEqual({
      host: '10.0.0.5',
      port: 6380,
      db: 0,
      display: 'redis://10.0.0.5:6380',
    });
    expect(parseRedisUrl('redis://:s%40cret@queue.lab:7000/2')).toEqual({
      host: 'queue.lab',
      port: 7000,
      db: 2,
      password: 's@cret',
      display: 'redis://queue.lab:7000/2',
    });
  });

  it.each(['localhost:6379', 'http://h:1', 'redis://h', 'redis://h:1/x', 'redis://h:1/?a=b', ''])(
    'refuses %j with the expected form',
    (url) => {
      expect(() => parseRedisUrl(url)).toThrow(/--queue must be redis:\/\/HOST:PORT\[\/DB\], got/);
    },
  );

  it('is checked with the other generate options, and excludes --workers', () => {
    const base = { cell: 'if', trials: 1, durationMs: 10, baseSeed: 1, out: 'x.h5' };
    expect(() => validateGenerateOptions({ ...base, queue: 'redis:/oops' })).toThrow(/--queue must be/);
    expect(() => validateGenerateOptions({ ...base, queue: 'redis://h:1', workers: 2 })).toThrow(
      /--workers is for local generation/,
    );
    expect(() => validateGenerateOptions({ ...base, queue: 'redis://h:1' })).not.toThrow();
  });
});

describe('a worker checks a trial job before it runs it', () => {
  const good: TrialJobData = {
    format: JOB_FORMAT,
    version: JOB_VERSION,
    neurotwin: neurotwinVersion(),
    run: 'ffffffffffffffff',
    index: 3,
    seed: 12,
    cell: 'l5pc-nmda',
    durationMs: 6000,
    method: 'crank-nicolson',
    dt: 0.0625,
    dendrites: true,
    neuronOptions: {},
    morphology: { name: 'cell1.ASC', sha256: '0f'.repeat(32) },
  };

  it('accepts a well-formed job', () => {
    expect(checkTrialJob(good)).toEqual(good);
    expect(neurotwinVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [null, /not a neurotwin trial job/],
    [{ version: 99 }, /job format version 99, this worker reads version 1/],
    [{ neurotwin: '9.9.9' }, /job from neurotwin 9\.9\.9, this worker is/],
    [{ run: 'x' }, /bad run id/],
    [{ index: -1 }, /bad trial index -1/],
    [{ seed: 2 ** 33 }, /seed/],
    [{ cell: 'granule' }, /unknown cell 'granule'/],
    [{ durationMs: 1.5 }, /duration must be a positive integer/],
    [{ dendrites: 'yes' }, /dendrites must be true or false/],
    [{ method: 'rk4' }, /unknown integration method 'rk4'/],
    [{ dt: 0.03 }, /dt must divide 1 ms/],
    [
      { neuronOptions: { morphologyFile: '/home/me/cell.swc' } },
      /neuronOptions\.morphologyFile cannot travel/,
    ],
    [{ morphology: { name: 'cell.txt', sha256: '0f'.repeat(32) } }, /bad morphology reference/],
    [{ cell: 'if', morphology: undefined, method: undefined, dt: undefined }, /point neuron/],
  ])('refuses %j', (change, reason) => {
    const job = change === null ? null : { ...good, ...change };
    expect(() => checkTrialJob(job)).toThrow(TrialRefusal);
    expect(() => checkTrialJob(job)).toThrow(reason);
  });
});

describe('progress lines off a terminal', () => {
  it('prints the count, then the ETA once a rate is known, and the last line always', async () => {
    const lines: string[] = [];
    const report = progressLines((l) => lines.push(l), 'generate: trials', 0);
    report(2, 10); // resumed trials: no rate yet
    await new Promise((r) => setTimeout(r, 20));
    report(6, 10);
    report(10, 10);
    expect(lines[0]).toBe('generate: trials: 2/10');
    expect(lines[1]).toMatch(/^generate: trials: 6\/10, ETA \d+ s$/);
    expect(lines[2]).toBe('generate: trials: 10/10');
  });

  it('holds back lines within the interval', () => {
    const lines: string[] = [];
    const report = progressLines((l) => lines.push(l), 'x', 60_000);
    report(0, 3);
    report(1, 3);
    report(2, 3);
    report(3, 3);
    expect(lines).toEqual(['x: 0/3', 'x: 3/3']);
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_726_000)).toBe('1 h 2 min');
  });
});
