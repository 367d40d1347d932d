#!/usr/bin/env node
// Builds the browser dashboard into clients/web/dist (served by the server at GET /): bundles
// src/main.ts with esbuild (the SDK and the shared pipeline code included, nothing from a CDN) and
// copies the page and its styles. Writes a fresh folder and swaps it in, so a failed build never
// leaves a half-written dashboard.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const tmp = join(here, `dist.tmp-${process.pid}`);

rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
try {
  await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile: join(tmp, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    // the SDK loads `ws` only where there is no global WebSocket, never in a browser
    external: ['ws'],
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(tmp, 'index.html'));
  copyFileSync(join(here, 'style.css'), join(tmp, 'style.css'));
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  console.error(`web build failed: ${err.message}`);
  process.exit(1);
}
