import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { GIVEN_INPUTS } from '../../../src/core/input-record.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TrialRunner } from '../../../src/dataset/simulate-trial.js';
import { generateDataset } from '../../../src/dataset/generate.js';
import { DatasetReader } from '../../../src/dataset/hdf5.js';
import { readInputFile } from '../../../src/dataset/input-file.js';
import { trialSeed } from '../../../src/dataset/seeds.js';
import { writeTinyPyramid } from '../cli/tiny-morphology.js';

const T = 300;
let dir: string;
let swc: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neurotwin-l5pc-dataset-'));
  swc = writeTinyPyramid(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasH5py = spawnSync('/usr/bin/python3', ['-c', 'import h5py, numpy'], { stdio: 'ignore' }).status === 0;

describe('TrialRunner on an L5PC of a given morphology, with dendritic voltages', () => {
  const runner = (recordDendrites: boolean): TrialRunner =>
    new TrialRunner('l5pc-nmda', T, { neuronOptions: { morphologyFile: swc }, recordDendrites });

  it('records every dendritic compartment at 1 ms without changing the soma trace', () => {
    const r = runner(true);
    expect(r.nExc).toBeLessThan(639); // the counts follow the morphology, not the default cell
    expect(r.nDendrites).toBe(r.nExc);
    const trial = r.run(3);
    const plain = runner(false).run(3);
    expect(plain.dendriticVoltage).toBeUndefined();
    expect(Array.from(trial.somaVoltage)).toEqual(Array.from(plain.somaVoltage));
    const D = r.nDendrites;
    const dv = trial.dendriticVoltage!;
    expect(dv.length).toBe(T * D);
    for (let j = 0; j < D; j++) expect(dv[j]).toBe(-76); // t = 0: the initial state (spec §6.4)
    // the most proximal basal compartment (synapse 0) follows the soma sampled at the same instant
    let near = 0;
    let tip = 0;
    for (let k = 1; k < T; k++) {
      near += Math.abs(dv[k * D] - trial.somaVoltage[k]) / (T - 1);
      tip += Math.abs(dv[k * D + D - 1] - trial.somaVoltage[k]) / (T - 1);
    }
    expect(near).toBeLessThan(1);
    expect(tip).toBeGreaterThan(near);
  });

  it('replays given inputs exactly and names out-of-range synapse ids', () => {
    const r = runner(true);
    const drawn = r.run(4);
    const again = r.runGiven({ exc: drawn.exc, inh: drawn.inh, seed: 4, generator: GIVEN_INPUTS });
    expect(Array.from(again.somaVoltage)).toEqual(Array.from(drawn.somaVoltage));
    expect(Array.from(again.dendriticVoltage!)).toEqual(Array.from(drawn.dendriticVoltage!));
    const bad = { times: Int32Array.of(0, 5), ids: Int32Array.of(1, r.nExc) };
    expect(() => r.runGiven({ exc: bad, inh: drawn.inh, seed: 0, generator: GIVEN_INPUTS })).toThrow(
      new RegExp(`excitatory input spike 1: synapse id ${r.nExc} is outside \\[0, ${r.nExc}\\)`),
    );
  });

  it('refuses dendrites and morphologies for the point neuron', () => {
    expect(() => new TrialRunner('if', 100, { recordDendrites: true })).toThrow(/no dendritic compartments/);
    expect(() => new TrialRunner('if', 100, { neuronOptions: { morphologyFile: swc } })).toThrow(
      /takes no morphology/,
    );
  });
});

describe('generate --dendrites on a given morphology (worker threads)', () => {
  const trials = 2;
  const seed = 9;
  let out: string;

  beforeAll(async () => {
    out = join(dir, 'set.h5');
    await generateDataset({
      cell: 'l5pc-ampa',
      trials,
      durationMs: T,
      baseSeed: seed,
      out,
      workers: 2,
      morphology: swc,
      dendrites: true,
    });
  });

  it('stores the dendritic voltages the cell produces, with the morphology in the attributes', async () => {
    const direct = new TrialRunner('l5pc-ampa', T, {
      neuronOptions: { morphologyFile: resolve(swc) },
      recordDendrites: true,
    });
    const reader = await DatasetReader.open(out);
    try {
      expect(reader.header.morphology).toBe(resolve(swc));
      expect(reader.header.dendriticCompartments).toBe(direct.nDendrites);
      expect(reader.header.nExc).toBe(direct.nExc);
      expect(reader.hasDendriticVoltage).toBe(true);
      expect(reader.readTrial(0).dendriticVoltage).toBeUndefined();
      for (let i = 0; i < trials; i++) {
        const stored = reader.readTrial(i, { dendrites: true });
        const expected = direct.run(trialSeed(seed, i));
        expect(Array.from(stored.somaVoltage)).toEqual(Array.from(expected.somaVoltage));
        expect(Array.from(stored.dendriticVoltage!)).toEqual(Array.from(expected.dendriticVoltage!));
      }
    } finally {
      reader.close();
    }
  });

  (hasH5py ? it : it.skip)('is readable with h5py as [N, T, D]', () => {
    const script = [
      'import h5py, json, sys',
      'f = h5py.File(sys.argv[1], "r")',
      'd = f["outputs/dendritic_voltage"]',
      'print(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "D": int(f.attrs["n_dendritic_compartments"]),',
      '  "v": float(d[1, 7, 0]), "units": str(d.attrs["units"]), "morphology": str(f.attrs["morphology"])}))',
    ].join('\n');
    const py = spawnSync('/usr/bin/python3', ['-c', script, out], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const got = JSON.parse(py.stdout) as Record<string, unknown>;
    const direct = new TrialRunner('l5pc-ampa', T, {
      neuronOptions: { morphologyFile: swc },
      recordDendrites: true,
    });
    const D = direct.nDendrites;
    expect(got).toMatchObject({
      shape: [trials, T, D],
      dtype: 'float32',
      D,
      units: 'mV',
      morphology: resolve(swc),
    });
    expect(got.v).toBe(direct.run(trialSeed(seed, 1)).dendriticVoltage![7 * D]);
  });

  it('is refused for the point neuron', async () => {
    await expect(
      generateDataset({
        cell: 'if',
        trials: 1,
        durationMs: 10,
        baseSeed: 0,
        out: join(dir, 'x.h5'),
        dendrites: true,
      }),
    ).rejects.toThrow(/no dendrites to record/);
  });

  it('serves as an input file only for a cell of the same synapse counts', async () => {
    await expect(readInputFile(out, { nExc: 639, nInh: 639 })).rejects.toThrow(
      /dataset of cell 'l5pc-ampa' has \d+\/\d+ synapses, the cell to simulate 639\/639/,
    );
    await expect(readInputFile(out, { nExc: 53, nInh: 53, trial: 5 })).rejects.toThrow(
      /trial 5 does not exist/,
    );
  });
});

describe('JSON input files', () => {
  const write = (name: string, doc: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return path;
  };

  it('sorts [id, ms] pairs by time and keeps duration and seed', async () => {
    const path = write('ok.json', {
      durationMs: 20,
      seed: 7,
      exc: [
        [3, 9],
        [1, 2],
        [2, 9],
      ],
      inh: [[0, 19]],
    });
    const { given, durationMs } = await readInputFile(path, { nExc: 4, nInh: 1 });
    expect(durationMs).toBe(20);
    expect(given.seed).toBe(7);
    expect(Array.from(given.exc.times)).toEqual([2, 9, 9]);
    expect(Array.from(given.exc.ids)).toEqual([1, 3, 2]);
    expect(Array.from(given.inh.ids)).toEqual([0]);
  });

  it.each([
    ['not json', '{oops', /not a JSON input file/],
    ['no duration', { exc: [] }, /no durationMs; give the trial length/],
    ['id range', { durationMs: 5, exc: [[4, 0]] }, /exc\[0\]: synapse id 4 is not an integer in \[0, 4\)/],
    ['time range', { durationMs: 5, inh: [[0, 5]] }, /inh\[0\]: time 5 ms is not an integer in \[0, 5\)/],
    ['pair shape', { durationMs: 5, exc: [[1, 2, 3]] }, /exc\[0\] must be a \[synapse id, ms\] pair/],
    ['counts', { durationMs: 5, nExc: 639 }, /nExc is 639, the cell to simulate has 4/],
  ])('rejects %s with a clear message', async (name, doc, message) => {
    await expect(readInputFile(write(`bad-${name}.json`, doc), { nExc: 4, nInh: 1 })).rejects.toThrow(
      message,
    );
  });

  it('names a missing file', async () => {
    await expect(readInputFile(join(dir, 'none.json'), { nExc: 4, nInh: 1 })).rejects.toThrow(/none\.json/);
  });
});
