/**
 * A dataset path that is missing, not HDF5, or in a missing folder gets one line naming the file and
 * the problem; h5wasm never sees it (it would print its HDF5-DIAG stack to stderr).
 */
import { describe, it, expect, afterAll, jest } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetWriter, h5Ready, readDataset } from '../../../src/dataset/hdf5.js';
import { readInputFile } from '../../../src/dataset/input-file.js';

describe('dataset file errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-h5e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing file, a non-HDF5 file and a folder in one line each', async () => {
    const notes = join(dir, 'notes.json');
    writeFileSync(notes, '{"not": "hdf5"}');
    const stderr = jest.spyOn(process.stderr, 'write');
    const consoleError = jest.spyOn(console, 'error');
    try {
      await expect(readDataset(join(dir, 'nope.h5'))).rejects.toThrow(
        `${join(dir, 'nope.h5')}: no such file`,
      );
      await expect(readDataset(notes)).rejects.toThrow(`${notes}: not an HDF5 file`);
      await expect(readDataset(dir)).rejects.toThrow(`${dir}: is a folder or device, not a dataset file`);
      expect(stderr).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      consoleError.mockRestore();
    }
  });

  it('gives simulate --inputs the same message once, prefixed by the path', async () => {
    const bad = join(dir, 'bad.h5');
    writeFileSync(bad, 'garbage');
    await expect(readInputFile(bad, { nExc: 80, nInh: 20 })).rejects.toThrow(
      new RegExp(`^${bad}: not an HDF5 file \\(datasets are written by 'neurotwin generate'\\)$`),
    );
  });

  it('refuses to create a dataset in a missing folder and leaves nothing behind', async () => {
    await h5Ready();
    const out = join(dir, 'missing', 'x.h5');
    expect(
      () =>
        new DatasetWriter(out, {
          cell: 'if',
          nExc: 80,
          nInh: 20,
          durationMs: 10,
          labelConvention: 'spike-bin',
          generatorPreset: 'given',
          generatorConfig: {},
          groups: ['given'],
          baseSeed: 0,
          commandLine: 'test',
        }),
    ).toThrow(`cannot write ${out}: folder ${join(dir, 'missing')} does not exist`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
