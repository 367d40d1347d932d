import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { CompartmentTree } from '../../../src/reference/cable/compartment-tree.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cell1Path = path.resolve(repoRoot, '../shared/data/l5pc-cell1.asc');
export const hasCell1 = existsSync(cell1Path);

/** Apical compartments in the LVA hot zone 685 < d < 885 µm (spec §4.15), judged by `distance`. */
export function hotZoneCount(tree: CompartmentTree, distance: Float64Array): number {
  let n = 0;
  for (let k = tree.nBasal; k < tree.dendriticNodes.length; k++) {
    const d = distance[tree.dendriticNodes[k]];
    if (d > 685 && d < 885) n++;
  }
  return n;
}

/** |actual − expected| ≤ rel·|expected| */
export function relErr(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
