/**
 * `neurotwin bench reference`: our engine at the dataset default and NEURON's fixed step on the same
 * cell and inputs; bad input fails with one line. The speed figures themselves are never asserted.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchReference, type ReferenceBenchOptions } from '../../../src/cli/bench.js';
import { DEFAULT_INTEGRATION } from '../../../src/reference/integration.js';
import { neuronAvailable } from '../../../src/reference/neuron-oracle/oracle.js';

const root = resolve(import.meta.dirname, '../../..');
const built = existsSync(join(root, 'dist', 'src', 'cli', 'main.js'));
const base = { cell: 'l5pc-nmda', duration: 20, seed: 1, neuron: false, ours: true };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'neurotwin-bench-'));
  writeFileSync(join(dir, 'not-json.json'), '{ nope');
  writeFileSync(join(dir, 'other.json'), JSON.stringify({ format: 'something-else' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench reference', () => {
  it('runs our engine at DEFAULT_INTEGRATION unless told otherwise', async () => {
    const r = await benchReference(base);
    expect(r.ours).toMatchObject({
      method: DEFAULT_INTEGRATION.method,
      dt: DEFAULT_INTEGRATION.dt,
      spikeDt: DEFAULT_INTEGRATION.spikeDt,
    });
    expect(r.ours!.substepsPerMs).toBeGreaterThanOrEqual(1 / DEFAULT_INTEGRATION.dt);
    expect(r.ours!.secondsPerSimulatedSecond).toBeCloseTo(r.ours!.wallSeconds / 0.02, 9);
    expect(r.neuron).toBeUndefined();
    expect(r.ratio).toBeUndefined();
    const be = await benchReference({ ...base, integration: { method: 'backward-euler', dt: 0.025 } });
    expect(be.ours).toMatchObject({ method: 'backward-euler', dt: 0.025, substepsPerMs: 40 });
    expect(be.ours!.spikeDt).toBeUndefined();
    expect(be.inputEvents).toEqual(r.inputEvents);
  });

  (neuronAvailable() ? it : it.skip)(
    'puts NEURON fixed-step BE 0.025 beside it on the same inputs, with the ratio',
    async () => {
      const r = await benchReference({ ...base, neuron: true });
      expect(r.neuron).toMatchObject({ method: 'backward-euler', dt: 0.025 });
      expect(r.ratio).toBeCloseTo(
        r.ours!.secondsPerSimulatedSecond / r.neuron!.secondsPerSimulatedSecond,
        12,
      );
    },
    120_000,
  );

  (neuronAvailable() ? it : it.skip)(
    'with --lockstep adds two trials in lockstep against NEURON on the same two, per trial',
    async () => {
      const r = await benchReference({ ...base, neuron: true, lockstep: true });
      const ls = r.lockstep!;
      expect(ls.seeds).toEqual([1, 2]);
      expect(ls.firstLaneEqualsAlone).toBe(true);
      expect(ls.ours).toMatchObject({ method: DEFAULT_INTEGRATION.method, kernels: true });
      expect(ls.neuron).toMatchObject({ method: 'backward-euler', dt: 0.025 });
      expect(ls.ratio).toBeCloseTo(
        ls.ours.secondsPerSimulatedSecond / ls.neuron.secondsPerSimulatedSecond,
        12,
      );
      expect(r.ratio).toBeCloseTo(
        r.ours!.secondsPerSimulatedSecond / r.neuron!.secondsPerSimulatedSecond,
        12,
      );
      const alone = await benchReference({ ...base, ours: true, lockstep: true });
      expect(alone.lockstep).toBeUndefined();
      expect(alone.notes).toContain('--lockstep needs both simulators; lockstep figure skipped');
    },
    120_000,
  );

  it.each([
    [{ neuron: false, ours: false }, /nothing to bench: --no-ours and --no-neuron/],
    [{ description: '/nonexistent/cell.json' }, /^--description \/nonexistent\/cell\.json: no such file$/],
    [{ description: 'not-json.json' }, /not-json\.json: not JSON$/],
    [{ description: 'other.json' }, /other\.json: not a neurotwin-cell description/],
    [{ cell: 'if' }, /no description for cell 'if'/],
    [{ integration: { method: 'rk4' } }, /unknown integration method 'rk4'/],
    [{ integration: { dt: 0.3 } }, /dt must divide 1 ms/],
    [{ integration: { spikeDt: 0.3 } }, /spikeDt must divide 1 ms/],
  ])('fails clearly: %j', async (flags: Partial<ReferenceBenchOptions>, message) => {
    const opts: ReferenceBenchOptions = { ...base, ...flags };
    if (opts.description && !opts.description.startsWith('/')) opts.description = join(dir, opts.description);
    await expect(benchReference(opts)).rejects.toThrow(message);
  });

  (built ? it : it.skip)('the command names a bad option value in one line', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin', 'neurotwin.js'), 'bench', 'reference', '--duration', 'abc'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("neurotwin: --duration must be an integer in [1, 10000000], got 'abc'\n");
  });
});
