import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { clearObjectTimestamps, lookup3 } from '../../../src/dataset/hdf5-timestamps.js';

describe('HDF5 object timestamps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-h5t-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('computes lookup3 as its reference driver does', () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(Buffer.from('Four score and seven years ago', 'latin1'))).toBe(0x17770551);
  });

  it('zeroes the times of every object header and leaves a file HDF5 still reads', async () => {
    await h5wasm.ready;
    const path = join(dir, 'small.h5');
    const f = new h5wasm.File(path, 'w');
    f.create_group('g');
    f.create_dataset({ name: 'g/x', data: Float64Array.from([1, 2, 3]), shape: [3], dtype: '<d' });
    f.close();
    const before = readFileSync(path);
    expect(clearObjectTimestamps(path)).toBeGreaterThanOrEqual(3); // root, g, g/x
    expect(clearObjectTimestamps(path)).toBe(0); // nothing left to clear
    const after = readFileSync(path);
    expect(after.length).toBe(before.length);
    expect(after.equals(before)).toBe(false);
    const r = new h5wasm.File(path, 'r');
    expect(Array.from((r.get('g/x') as InstanceType<typeof h5wasm.Dataset>).value as Float64Array)).toEqual([
      1, 2, 3,
    ]);
    r.close();
  });
});
