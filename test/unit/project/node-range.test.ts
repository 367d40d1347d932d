/**
 * The Node versions package.json promises (engines.node) are ones every installed package accepts:
 * a dependency that wants a newer Node (as file-type 22 under @nestjs/common did) fails this test.
 * The running Node must be in the range too, so CI on the oldest supported Node exercises it.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';

const ROOT = resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('supported Node range', () => {
  it('is accepted by every package in the lock file', () => {
    const range = pkg.engines.node;
    expect(semver.validRange(range)).not.toBeNull();
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.subset(range, (p.engines as { node: string }).node))
      .map(([name, p]) => `${name}@${p.version}: ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it('contains the Node running the tests', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
