import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { TrialRunner } from '../../../src/dataset/simulate-trial.js';
import { DatasetReader, readDataset, writeDataset, type DatasetHeader } from '../../../src/dataset/hdf5.js';
import type { Trial } from '../../../src/dataset/trial.js';

function headerFor(runner: TrialRunner): DatasetHeader {
  return {
    cell: runner.cell,
    nExc: 80,
    nInh: 20,
    durationMs: runner.durationMs,
    labelConvention: runner.labelConvention,
    generatorPreset: runner.inputs.preset,
    generatorConfig: runner.inputs,
    groups: runner.inputs.groups.map((g) => g.name),
    baseSeed: 4000000000,
    commandLine: 'test',
  };
}

describe('HDF5 dataset storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-h5-'));
  const runner = new TrialRunner('if', 1500);
  const trials: Trial[] = [11, 12, 13].map((s) => runner.run(s));

  it('round-trips trials exactly, by range and all at once', async () => {
    const path = join(dir, 'rt.h5');
    await writeDataset(path, headerFor(runner), trials);
    expect(readdirSync(dir)).toEqual(['rt.h5']); // no temp file left behind
    const { header, trials: back } = await readDataset(path);
    expect(header.baseSeed).toBe(4000000000);
    expect(header.labelConvention).toBe('spike-bin');
    expect(header.groups).toEqual(['all']);
    expect(back).toHaveLength(3);
    back.forEach((t, i) => {
      expect(t.seed).toBe(trials[i].seed);
      expect(t.exc.times).toEqual(trials[i].exc.times);
      expect(t.exc.ids).toEqual(trials[i].exc.ids);
      expect(t.inh.ids).toEqual(trials[i].inh.ids);
      expect(t.somaVoltage).toEqual(trials[i].somaVoltage);
      expect(t.spikeTimes).toEqual(trials[i].spikeTimes);
      expect(t.spikeLabels).toEqual(trials[i].spikeLabels);
      expect(t.generator).toEqual(trials[i].generator);
    });
    const reader = await DatasetReader.open(path);
    expect([...reader.trials(2)].map((t) => t.seed)).toEqual([13]);
    expect(() => reader.readTrial(3)).toThrow(/outside/);
    reader.close();
  });

  it('is readable by h5py with the documented shapes', async () => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import h5py'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      process.stdout.write(
        `SKIPPED h5py check: /usr/bin/python3 cannot import h5py (${probe.stderr.trim()})\n`,
      );
      return;
    }
    const path = join(dir, 'py.h5');
    await writeDataset(path, headerFor(runner), trials);
    const script = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
a = f.attrs
N, T = int(a['n_trials']), int(a['duration_ms'])
eo = f['inputs/exc/offsets'][:]
so = f['outputs/spike_offsets'][:]
v = f['outputs/soma_voltage']
lab = f['outputs/spike_labels']
st = f['outputs/spike_times'][:]
first = [float(x) for x in st[so[0]:so[1]]]
print(json.dumps({
  'format': a['format'] if isinstance(a['format'], str) else a['format'].decode(),
  'N': N, 'T': T, 'base_seed': int(a['base_seed']),
  'v_shape': list(v.shape), 'v_dtype': str(v.dtype), 'lab_dtype': str(lab.dtype),
  'exc_total': int(eo[-1]), 'exc_len': int(f['inputs/exc/times'].shape[0]),
  'seeds': [int(s) for s in f['trials/seed'][:]],
  'v_mean_0': float(np.mean(v[0].astype(np.float64))),
  'labels_0': int(lab[0].sum()), 'spikes_0': first,
  'counts_shape': list(f['generator/exc_counts'].shape), 'hold': [int(h) for h in f['generator/hold_ms'][:]],
  'groups': json.loads(f['generator'].attrs['groups']),
}))
`;
    const py = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const r = JSON.parse(py.stdout) as Record<string, unknown>;
    const t0 = trials[0];
    expect(r.format).toBe('neurotwin-dataset');
    expect(r.N).toBe(3);
    expect(r.T).toBe(1500);
    expect(r.base_seed).toBe(4000000000);
    expect(r.v_shape).toEqual([3, 1500]);
    expect(r.v_dtype).toBe('float32');
    expect(r.lab_dtype).toBe('uint8');
    expect(r.exc_total).toBe(trials.reduce((s, t) => s + t.exc.times.length, 0));
    expect(r.exc_len).toBe(r.exc_total);
    expect(r.seeds).toEqual([11, 12, 13]);
    const mean = t0.somaVoltage.reduce((s, x) => s + x, 0) / t0.somaVoltage.length;
    expect(r.v_mean_0 as number).toBeCloseTo(mean, 4);
    expect(r.labels_0).toBe(t0.spikeLabels.reduce((s, x) => s + x, 0));
    expect(r.spikes_0).toEqual(Array.from(t0.spikeTimes));
    const g = t0.generator as { nIntervals: number; holdMs: number };
    expect((r.counts_shape as number[])[1]).toBe(1);
    expect((r.hold as number[])[0]).toBe(g.holdMs);
    expect(r.groups).toEqual(['all']);
  });

  it('removes the temp file and writes nothing when a trial is rejected', async () => {
    const path = join(dir, 'bad.h5');
    const bad = { ...trials[0], durationMs: 10 };
    await expect(writeDataset(path, headerFor(runner), [trials[0], bad])).rejects.toThrow(/does not match/);
    expect(readdirSync(dir).filter((n) => n.startsWith('bad'))).toEqual([]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});
