import { describe, it, expect, afterAll } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetBytes, haveWorker } from './dataset-bytes.js';
import { generateDataset, partsDirOf } from '../../../src/dataset/generate.js';
import { readDataset } from '../../../src/dataset/hdf5.js';
import { trialSeed } from '../../../src/dataset/seeds.js';
import { simulateTrial } from '../../../src/dataset/simulate-trial.js';

describe('parallel dataset generation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-gen-'));
  const base = { cell: 'if', trials: 5, durationMs: 1200, baseSeed: 77 };

  it('derives per-trial seeds from the base seed and index only', () => {
    expect(trialSeed(77, 3)).toBe(trialSeed(77, 3));
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => trialSeed(77, i)));
    expect(seeds.size).toBe(1000);
    expect(trialSeed(78, 0)).not.toBe(trialSeed(77, 0));
    expect(() => trialSeed(-1, 0)).toThrow(/base seed/);
  });

  it('writes the same data with 0 (in-thread), 1 and 2 workers, equal to simulating each trial', async () => {
    if (!haveWorker) process.stdout.write('worker-pool part skipped: dist/ not built (run npm run build)\n');
    const runs = haveWorker ? [0, 1, 2] : [0];
    const files: string[] = [];
    for (const workers of runs) {
      const out = join(dir, `w${workers}.h5`);
      const result = await generateDataset({ ...base, out, workers });
      expect(result.computed).toBe(5);
      expect(existsSync(partsDirOf(out))).toBe(false);
      files.push(out);
    }
    const reference = await datasetBytes(files[0]);
    expect(reference.size).toBeGreaterThan(15);
    for (const f of files.slice(1)) expect(await datasetBytes(f)).toEqual(reference);
    const { trials } = await readDataset(files[files.length - 1]);
    const direct = simulateTrial('if', trialSeed(77, 4), 1200);
    expect(trials[4].seed).toBe(direct.seed);
    expect(trials[4].somaVoltage).toEqual(direct.somaVoltage);
    expect(trials[4].exc.ids).toEqual(direct.exc.ids);
  });

  it('resumes after an interruption and produces the same file contents', async () => {
    const whole = join(dir, 'whole.h5');
    await generateDataset({ ...base, out: whole, workers: 0 });
    const out = join(dir, 'resumed.h5');
    const controller = new AbortController();
    await expect(
      generateDataset({
        ...base,
        out,
        workers: haveWorker ? 2 : 0,
        signal: controller.signal,
        onProgress: (done) => {
          if (done >= 2) controller.abort();
        },
      }),
    ).rejects.toThrow(/interrupted/);
    expect(existsSync(out)).toBe(false);
    const parts = readdirSync(partsDirOf(out)).filter((n) => n.endsWith('.part'));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThan(5);
    await expect(generateDataset({ ...base, baseSeed: 78, out, workers: 0 })).rejects.toThrow(
      /different run/,
    );
    const result = await generateDataset({ ...base, out, workers: haveWorker ? 2 : 0 });
    expect(result.resumed).toBe(parts.length);
    expect(result.computed).toBe(5 - parts.length);
    expect(existsSync(partsDirOf(out))).toBe(false);
    expect(await datasetBytes(out)).toEqual(await datasetBytes(whole));
  });

  it('writes the same bytes for the same seed, whenever it runs (no HDF5 timestamps)', async () => {
    const a = join(dir, 'first');
    const b = join(dir, 'second');
    mkdirSync(a);
    mkdirSync(b);
    const run = (folder: string) =>
      generateDataset({ ...base, trials: 2, out: join(folder, 'same.h5'), workers: 0, commandLine: 'same' });
    await run(a);
    // HDF5 object times have 1-s resolution: without the clearing, the second file would differ
    await new Promise((r) => setTimeout(r, 1100));
    await run(b);
    const first = readFileSync(join(a, 'same.h5'));
    expect(first.length).toBeGreaterThan(1000);
    expect(readFileSync(join(b, 'same.h5')).equals(first)).toBe(true);
  });

  it('rejects bad options with a message naming the problem', async () => {
    const out = join(dir, 'bad.h5');
    await expect(generateDataset({ ...base, cell: 'nope', out })).rejects.toThrow(
      /unknown cell 'nope'.*known cells: if/,
    );
    await expect(generateDataset({ ...base, trials: 0, out })).rejects.toThrow(
      /trials must be a positive integer/,
    );
    await expect(generateDataset({ ...base, durationMs: -5, out })).rejects.toThrow(/duration/);
    await expect(generateDataset({ ...base, workers: 1.5, out })).rejects.toThrow(/workers/);
    await expect(generateDataset({ ...base, out: join(dir, 'missing', 'x.h5') })).rejects.toThrow(
      /does not exist/,
    );
    await expect(generateDataset({ ...base, out: join(dir, 'x.json') })).rejects.toThrow(
      /x\.json must end in \.h5/,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});
