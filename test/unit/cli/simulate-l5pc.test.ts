/**
 * `neurotwin simulate` / `generate` with the L5PC cells, through the compiled command (bin/neurotwin.js
 * runs dist/; `npm test` builds it first). Short trials, mostly on a small morphology.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatasetReader } from '../../../src/dataset/hdf5.js';
import { simulateCommand } from '../../../src/cli/simulate.js';
import { DEFAULT_INTEGRATION } from '../../../src/reference/integration.js';
import { writeTinyPyramid } from './tiny-morphology.js';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin', 'neurotwin.js');
const built = existsSync(join(root, 'dist', 'src', 'cli', 'main.js'));
const cell1 = resolve(root, '../shared/data/l5pc-cell1.asc');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function neurotwin(...args: string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): Record<string, unknown> {
  const r = neurotwin(...args, '--json');
  if (r.status !== 0) throw new Error(`neurotwin ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

interface TrialJson {
  cell: string;
  morphology: string;
  durationMs: number;
  nExc: number;
  somaVoltage: number[];
  spikeTimes: number[];
  exc: [number, number][];
  inh: [number, number][];
}

const readJson = (name: string): TrialJson => JSON.parse(readFileSync(join(dir, name), 'utf8')) as TrialJson;

let dir: string;
let swc: string;

if (!built) console.warn('CLI tests skipped: run `npm run build` first');

(built ? describe : describe.skip)('neurotwin simulate --cell l5pc-*', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-cli-l5pc-'));
    swc = writeTinyPyramid(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('simulates generated inputs on a given morphology and replays them from its own output file', async () => {
    const first = ok(
      'simulate',
      '--cell',
      'l5pc-nmda',
      '--morphology',
      swc,
      '--duration',
      '300',
      '--seed',
      '3',
      '--out',
      'a.json',
    );
    expect(first).toMatchObject({
      cell: 'l5pc-nmda',
      morphology: resolve(swc),
      inputs: 'generated',
      seed: 3,
      durationMs: 300,
    });
    expect(first.wallSecondsPerSimulatedSecond).toBeCloseTo((first.wallSeconds as number) / 0.3, 9);
    const a = readJson('a.json');
    expect(a.somaVoltage).toHaveLength(300);
    expect(a.somaVoltage[0]).toBe(-76);
    expect(a.exc.length).toBe((first.inputSpikes as { exc: number }).exc);
    expect(a.exc.length).toBeGreaterThan(0);

    const replay = ok(
      'simulate',
      '--cell',
      'l5pc-nmda',
      '--morphology',
      swc,
      '--inputs',
      'a.json',
      '--out',
      'b.json',
    );
    expect(replay).toMatchObject({
      inputs: 'a.json',
      seed: 3,
      durationMs: 300,
      inputSpikes: first.inputSpikes,
    });
    const b = readJson('b.json');
    expect(b.somaVoltage).toEqual(a.somaVoltage);
    expect(b.spikeTimes).toEqual(a.spikeTimes);

    // the same inputs into the AMPA-only cell: same start, different trace
    ok('simulate', '--cell', 'l5pc-ampa', '--morphology', swc, '--inputs', 'a.json', '--out', 'c.json');
    const c = readJson('c.json');
    expect(c.somaVoltage[0]).toBe(-76);
    expect(c.somaVoltage).not.toEqual(a.somaVoltage);

    // HDF5 output, with dendrites
    ok(
      'simulate',
      '--cell',
      'l5pc-nmda',
      '--morphology',
      swc,
      '--inputs',
      'a.json',
      '--dendrites',
      '--out',
      'a.h5',
    );
    const reader = await DatasetReader.open(join(dir, 'a.h5'));
    try {
      expect(reader.nTrials).toBe(1);
      expect(reader.header).toMatchObject({
        cell: 'l5pc-nmda',
        generatorPreset: 'given',
        morphology: resolve(swc),
      });
      const t = reader.readTrial(0, { dendrites: true });
      expect(Array.from(t.somaVoltage)).toEqual(a.somaVoltage);
      expect(t.dendriticVoltage).toHaveLength(300 * a.nExc);
      expect(t.exc.ids.length).toBe(a.exc.length);
    } finally {
      reader.close();
    }
    // and an HDF5 dataset as the input file
    const fromH5 = ok(
      'simulate',
      '--cell',
      'l5pc-nmda',
      '--morphology',
      swc,
      '--inputs',
      'a.h5',
      '--trial',
      '0',
      '--out',
      'd.json',
    );
    expect(fromH5).toMatchObject({ inputs: 'a.h5#0', seed: 3 });
    expect(readJson('d.json').somaVoltage).toEqual(a.somaVoltage);
  });

  it('integrates with DEFAULT_INTEGRATION unless --method/--dt/--spike-dt say otherwise, and records which', async () => {
    const base = ['simulate', '--cell', 'l5pc-nmda', '--morphology', swc, '--duration', '150', '--seed', '4'];
    const byDefault = ok(...base, '--out', 'm0.json');
    expect(byDefault.integration).toEqual({ ...DEFAULT_INTEGRATION });
    const be = ok(...base, '--method', 'backward-euler', '--dt', '0.025', '--out', 'm1.h5');
    expect(be.integration).toEqual({ method: 'backward-euler', dt: 0.025 });
    // --spike-dt off: every bin at the default dt; --dt with --spike-dt: spike-adaptive at those
    const off = ok(...base, '--spike-dt', 'off', '--out', 'm2.json');
    expect(off.integration).toEqual({ method: DEFAULT_INTEGRATION.method, dt: DEFAULT_INTEGRATION.dt });
    const adaptive = ok(...base, '--dt', '0.1', '--spike-dt', '0.05', '--out', 'm3.json');
    expect(adaptive.integration).toEqual({ method: DEFAULT_INTEGRATION.method, dt: 0.1, spikeDt: 0.05 });
    const m0 = JSON.parse(readFileSync(join(dir, 'm0.json'), 'utf8')) as TrialJson & Record<string, unknown>;
    expect([m0.integrationMethod, m0.dtMs, m0.spikeDtMs]).toEqual([
      DEFAULT_INTEGRATION.method,
      DEFAULT_INTEGRATION.dt,
      DEFAULT_INTEGRATION.spikeDt,
    ]);
    const m2 = JSON.parse(readFileSync(join(dir, 'm2.json'), 'utf8')) as Record<string, unknown>;
    expect(m2.spikeDtMs).toBeUndefined();
    const reader = await DatasetReader.open(join(dir, 'm1.h5'));
    try {
      expect(reader.header).toMatchObject({ integrationMethod: 'backward-euler', dtMs: 0.025 });
      // a different integrator gives a (slightly) different trace on the same inputs
      expect(Array.from(reader.readTrial(0).somaVoltage)).not.toEqual(m0.somaVoltage);
    } finally {
      reader.close();
    }
  });

  it('reports progress of a compartmental trial up to its length', async () => {
    const seen: [number, number][] = [];
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await simulateCommand(
        { cell: 'l5pc-ampa', morphology: swc, duration: 350, seed: 1 },
        '',
        (done, total) => seen.push([done, total]),
      );
    } finally {
      process.chdir(cwd);
    }
    expect(seen.map(([done]) => done)).toEqual([100, 200, 300, 350]);
    expect(seen.every(([, total]) => total === 350)).toBe(true);
  });

  it('runs the default (procedural) L5PC', () => {
    const s = ok('simulate', '--cell', 'l5pc-nmda', '--duration', '200', '--seed', '2', '--out', 'p.json');
    expect(s).toMatchObject({ cell: 'l5pc-nmda', morphology: 'procedural', durationMs: 200 });
    const p = readJson('p.json');
    expect(p.nExc).toBe(639);
    expect(p.somaVoltage[0]).toBe(-76);
    expect(Math.min(...p.somaVoltage)).toBeGreaterThan(-90);
  });

  (existsSync(cell1) ? it : it.skip)('runs on the paper morphology (cell1.asc)', () => {
    ok('simulate', '--cell', 'l5pc-ampa', '--morphology', cell1, '--duration', '100', '--out', 'r.json');
    const r = readJson('r.json');
    expect(r.nExc).toBe(639);
    expect(r.morphology).toBe(cell1);
  });

  it.each([
    [{ cell: 'l5pc-x' }, /unknown cell 'l5pc-x' \(known cells: if, l5pc-nmda, l5pc-ampa\)/],
    [{ cell: 'if', morphology: 'tiny-pyramid.swc' }, /point neuron and takes no --morphology/],
    [{ cell: 'l5pc-nmda', morphology: 'missing.swc' }, /morphology file missing\.swc does not exist/],
    [{ cell: 'l5pc-nmda', trial: 1 }, /--trial needs --inputs/],
    [{ cell: 'if', dendrites: true }, /no dendrites to record/],
    [
      { cell: 'if', method: 'crank-nicolson' },
      /point neuron: --method, --dt and --spike-dt apply to compartmental cells/,
    ],
    [{ cell: 'l5pc-nmda', method: 'rk4' }, /unknown integration method 'rk4'/],
    [{ cell: 'l5pc-nmda', dt: 0.3 }, /dt must divide 1 ms into a whole number of substeps, got 0.3/],
    [{ cell: 'l5pc-nmda', dt: 0.05, spikeDt: 0.1 }, /spikeDt \(0.1 ms\) must be smaller than dt \(0.05 ms\)/],
    [{ cell: 'l5pc-nmda', inputs: 'nothing.json' }, /nothing\.json: no such input file/],
    [
      { cell: 'l5pc-nmda', inputs: 'ids.json' },
      /ids\.json: exc\[1\]: synapse id 639 is not an integer in \[0, 639\)/,
    ],
  ])('fails clearly: simulate %j', async (flags, message) => {
    writeFileSync(
      join(dir, 'ids.json'),
      JSON.stringify({
        durationMs: 10,
        exc: [
          [0, 1],
          [639, 2],
        ],
      }),
    );
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(simulateCommand({ seed: 1, ...flags })).rejects.toThrow(message);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports errors on stderr with exit status 1', () => {
    const r = neurotwin('simulate', '--cell', 'l5pc-nmda', '--morphology', 'missing.swc');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('neurotwin: morphology file missing.swc does not exist\n');
  });

  it('generate --morphology --dendrites writes the dendritic field', async () => {
    const g = ok(
      'generate',
      '--cell',
      'l5pc-nmda',
      '--morphology',
      swc,
      '--trials',
      '2',
      '--duration',
      '200',
      '--workers',
      '2',
      '--dendrites',
      '--out',
      'g.h5',
    );
    expect(g).toMatchObject({ trials: 2, computed: 2, workers: 2 });
    const reader = await DatasetReader.open(join(dir, 'g.h5'));
    try {
      expect(reader.header.dendriticCompartments).toBe(reader.header.nExc);
      expect(reader.header.morphology).toBe(resolve(swc));
      expect(reader.header).toMatchObject({
        integrationMethod: DEFAULT_INTEGRATION.method,
        dtMs: DEFAULT_INTEGRATION.dt,
        spikeDtMs: DEFAULT_INTEGRATION.spikeDt,
      });
      expect(reader.readDendriticVoltage(1)).toHaveLength(200 * reader.header.nExc);
    } finally {
      reader.close();
    }
    const refused = neurotwin(
      'generate',
      '--cell',
      'if',
      '--trials',
      '1',
      '--morphology',
      swc,
      '--out',
      'h.h5',
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/point neuron and takes no morphology/);
  });
});
