/** The neurotwin package's root folder: the nearest ancestor of this module with its package.json. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'neurotwin'
    ) {
      return (root = dir);
    }
    if (dirname(dir) === dir) throw new Error('cannot find the neurotwin package.json');
  }
}
