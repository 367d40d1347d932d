/** The package version, read from the package.json above this module (src/cli or dist/src/cli). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'neurotwin' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error('cannot find the neurotwin package.json');
  }
}
