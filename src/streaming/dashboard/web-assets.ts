/**
 * The built browser dashboard (clients/web/dist, written by `npm run build`): finds the folder and
 * reads its files by plain name only (no paths, so nothing outside the folder can be asked for).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * clients/web/dist of the project this module belongs to, whether it runs compiled (dist/src/...)
 * or from its TypeScript source (src/..., e.g. under Jest).
 */
export function defaultWebDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const marker = `${sep}src${sep}streaming${sep}`;
  const at = `${here}${sep}`.lastIndexOf(marker);
  let root = at < 0 ? join(here, '..', '..', '..') : here.slice(0, at);
  if (root.endsWith(`${sep}dist`)) root = root.slice(0, -`${sep}dist`.length);
  return join(root, 'clients', 'web', 'dist');
}

export class WebAssets {
  constructor(readonly dir: string) {}

  /** Why the dashboard cannot be served, or null when it is built. */
  problem(): string | null {
    return existsSync(join(this.dir, 'index.html'))
      ? null
      : `the dashboard is not built (no ${join(this.dir, 'index.html')}): run \`npm run build\``;
  }

  /** The file `name` of the built dashboard, or undefined when there is none. */
  get(name: string): WebAsset | undefined {
    const type = CONTENT_TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || !type) return undefined;
    const path = join(this.dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    return { body: readFileSync(path), contentType: type };
  }
}
