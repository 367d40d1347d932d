/** Reads a morphology file, choosing the reader by extension (.asc Neurolucida, .swc). */
import { extname } from 'node:path';
import { readAscFile } from './asc.js';
import { readSwcFile } from './swc.js';
import type { Morphology } from './types.js';

export function readMorphologyFile(path: string): Morphology {
  const ext = extname(path).toLowerCase();
  if (ext === '.asc') return readAscFile(path);
  if (ext === '.swc') return readSwcFile(path);
  throw new Error(`${path}: unknown morphology format ${JSON.stringify(ext)} (expected .asc or .swc)`);
}
