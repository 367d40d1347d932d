/**
 * The import graph runs down the pipeline only: a module may import its own stage, the stages
 * before it, and the shared ground floor (src/core), never a later stage. Checked on the static and
 * dynamic imports of every source file, as TypeScript's pre-processor reads them.
 */
import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Stages in pipeline order; a file belongs to the first stage whose prefix matches its path. */
const STAGES: { stage: string; prefixes: string[] }[] = [
  { stage: 'core', prefixes: ['src/core/'] },
  { stage: 'inputs', prefixes: ['src/inputs/'] },
  { stage: 'reference', prefixes: ['src/reference/'] },
  { stage: 'dataset', prefixes: ['src/dataset/'] },
  { stage: 'surrogate', prefixes: ['src/surrogate/'] },
  { stage: 'export', prefixes: ['src/export/'] },
  { stage: 'registry', prefixes: ['src/registry/'] },
  { stage: 'inference', prefixes: ['src/inference/'] },
  // networks of twins: populations stepped by the inference stage
  { stage: 'network', prefixes: ['src/network/'] },
  // the wire protocol: spoken by the streaming server and by the clients
  { stage: 'protocol', prefixes: ['proto/'] },
  { stage: 'streaming', prefixes: ['src/streaming/'] },
  // the command line and the server entry point use every stage, like the clients
  { stage: 'clients', prefixes: ['clients/', 'src/cli/', 'src/main.ts'] },
];

function stageOf(file: string): number {
  return STAGES.findIndex((s) => s.prefixes.some((p) => file.startsWith(p)));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sourceFiles(rel));
    } else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Repository-relative targets of the relative imports of a file (.js specifiers mapped to .ts). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'));
}

const FILES = ['src', 'clients', 'proto'].flatMap(sourceFiles);

describe('import graph', () => {
  it('places every source file in a stage', () => {
    expect(FILES.length).toBeGreaterThan(50);
    expect(FILES.filter((f) => stageOf(f) < 0)).toEqual([]);
  });

  it('has no import that runs up the pipeline', () => {
    const upward: string[] = [];
    for (const file of FILES) {
      const from = stageOf(file);
      for (const target of importsOf(file)) {
        const to = stageOf(target);
        if (to > from) upward.push(`${file} (${STAGES[from].stage}) imports ${target} (${STAGES[to].stage})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps the ground floor free of any stage', () => {
    const core = FILES.filter((f) => stageOf(f) === 0);
    expect(core.length).toBeGreaterThan(0);
    expect(core.flatMap((f) => importsOf(f).filter((t) => stageOf(t) !== 0))).toEqual([]);
  });

  it('sees the imports it checks (a known downward import is found)', () => {
    expect(importsOf('src/streaming/session.ts')).toContain('src/core/spikes.ts');
  });
});
