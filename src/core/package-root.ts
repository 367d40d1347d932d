/** The neurotwin package's root folder and version, from its package.json above this module. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let found: { root: string; version: string } | undefined;

function locate(): { root: string; version: string } {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'neurotwin' && pkg.version) return (found = { root: dir, version: pkg.version });
    }
    if (dirname(dir) === dir) throw new Error('cannot find the neurotwin package.json');
  }
}

/** The folder holding the package.json (the repository root, above src/ and dist/src/). */
export function packageRoot(): string {
  return locate().root;
}

export function packageVersion(): string {
  return locate().version;
}

/**
 * The compiled form of a module for a worker thread, e.g. compiledModule('inference/kernels/
 * shard-worker.js', import.meta.url): the sibling of the calling module when that runs compiled,
 * else the one in dist/src/ (tests run the TypeScript sources; workers need JavaScript).
 */
export function compiledModule(pathUnderSrc: string, callerUrl: string): URL {
  const caller = fileURLToPath(callerUrl);
  const name = pathUnderSrc.split('/').pop() as string;
  const sibling = join(dirname(caller), name);
  if (caller.endsWith('.js') && existsSync(sibling)) return pathToFileURL(sibling);
  const compiled = join(packageRoot(), 'dist', 'src', ...pathUnderSrc.split('/'));
  if (!existsSync(compiled))
    throw new Error(`compiled module ${compiled} not found: run 'npm run build' first`);
  return pathToFileURL(compiled);
}
