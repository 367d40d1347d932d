/**
 * The server and the CLI compile without the DOM library, so browser globals used by mistake in
 * server code fail the build; only the dashboard's own program (tsconfig.web.json) has them.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';

const read = (file: string): { compilerOptions?: { lib?: string[] }; include?: string[]; extends?: string } =>
  JSON.parse(readFileSync(file, 'utf8')) as { compilerOptions?: { lib?: string[] }; include?: string[] };

describe('TypeScript programs', () => {
  it('the server program has no DOM library; the browser program has it and covers only browser code', () => {
    const base = read('tsconfig.json');
    expect(base.compilerOptions?.lib?.map((l) => l.toLowerCase())).not.toContain('dom');
    const build = read('tsconfig.build.json');
    expect(build.extends).toBe('./tsconfig.json');
    expect(build.compilerOptions?.lib).toBeUndefined();
    const web = read('tsconfig.web.json');
    expect(web.compilerOptions?.lib?.map((l) => l.toLowerCase())).toContain('dom');
    for (const path of web.include ?? [])
      expect(path).toMatch(/^(clients\/web\/|benchmarks\/scripts\/dashboard-|test\/e2e\/dashboard)/);
  });
});
