import { describe, it, expect, afterEach } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { currentCommand, parseInteger } from '../../../src/cli/options.js';
import { relativeCommand } from '../../../src/core/command-line.js';
import { packageVersion } from '../../../src/cli/version.js';

describe('CLI options', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  it('records the command line as `npx neurotwin …`, whatever path node ran it from', () => {
    process.argv = [
      '/usr/bin/node',
      '/home/u/.npm/_npx/1a2b/node_modules/.bin/neurotwin',
      'simulate',
      '--out',
      'a b.json',
    ];
    expect(currentCommand()).toBe("npx neurotwin simulate --out 'a b.json'");
  });

  it('writes paths inside the working directory relative to it, others as given', () => {
    const cwd = process.cwd();
    process.argv = [
      '/usr/bin/node',
      'neurotwin',
      'generate',
      '--out',
      `${cwd}/data/x.h5`,
      '--inputs',
      '/elsewhere/in.json',
    ];
    expect(currentCommand()).toBe('npx neurotwin generate --out data/x.h5 --inputs /elsewhere/in.json');
    // and commands recorded elsewhere (a dataset's header) read back the same way
    expect(relativeCommand(`npx neurotwin generate --seed 3 --out ${cwd}/data/y.h5`)).toBe(
      'npx neurotwin generate --seed 3 --out data/y.h5',
    );
    expect(relativeCommand('npx neurotwin generate --out /tmp/z.h5', '/work')).toBe(
      'npx neurotwin generate --out /tmp/z.h5',
    );
  });

  it('refuses integers written any other way, naming the option', () => {
    expect(parseInteger('trials', 1)('12')).toBe(12);
    expect(() => parseInteger('trials', 1)('1e3')).toThrow(
      "--trials must be an integer in [1, 9007199254740991], got '1e3'",
    );
    expect(() => parseInteger('seed', 0, 10)('11')).toThrow(/--seed/);
  });

  it('finds the package version for --version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(packageVersion()).toBe(pkg.version);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
