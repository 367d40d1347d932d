import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/core/atomic-file.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the content and leaves no temporary file', () => {
    const file = join(dir, 'a.json');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, new Uint8Array([65, 66]));
    expect(readFileSync(file, 'utf8')).toBe('AB');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('names the target and the missing folder in one line instead of creating it', () => {
    const file = join(dir, 'nope', 'x.json');
    expect(() => writeFileAtomic(file, 'x')).toThrow(
      `cannot write ${file}: folder ${join(dir, 'nope')} does not exist`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes its temporary file when the rename fails and keeps the old target', () => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    expect(() => writeFileAtomic(target, 'x')).toThrow(/^cannot write .*taken: /);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
