/** The benchmark scripts answer --help with their usage and a bad argument with one line (compiled dist/). */
import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const scripts = join(root, 'dist', 'benchmarks', 'scripts');
const names = existsSync(scripts)
  ? readdirSync(scripts).filter((f) => f.endsWith('.js') && f !== 'script-args.js')
  : [];
if (names.length === 0) console.warn('benchmark script tests skipped: run `npm run build` first');

const run = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(scripts, name), ...args], { encoding: 'utf8', timeout: 60_000 });

(names.length ? describe : describe.skip)('benchmark scripts', () => {
  it.each(names)('%s --help prints its usage and exits 0', (name) => {
    const r = run(name, '--help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^usage: node dist/benchmarks/scripts/${name.replace('.', '\\.')}`, 'i'),
    );
  });

  it.each([
    [
      'dataset-generation-speed.js',
      ['abc'],
      "dataset-generation-speed: trials must be an integer ≥ 1, got 'abc'\n",
    ],
    [
      'cpu-profile-summary.js',
      ['/nonexistent.cpuprofile'],
      'cpu-profile-summary: /nonexistent.cpuprofile: no such file\n',
    ],
    ['rest.js', ['1', '2'], "rest: unexpected argument '2' (see --help)\n"],
  ])('%s %j fails in one line', (name, args, message) => {
    const r = run(name, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
  });
});
