/**
 * A small pyramidal-like morphology for fast compartmental tests: a soma, two basal branches and an
 * apical trunk that forks (SWC types 1, 3, 4), a few dozen compartments instead of the L5PC's 639.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TINY_PYRAMID_SWC = `# id type x y z radius parent
1 1 0 0 0 10 -1
2 3 0 -10 0 1 1
3 3 0 -60 0 0.8 2
4 3 0 -160 0 0.6 3
5 3 10 -10 0 1 1
6 3 80 -40 0 0.7 5
7 4 0 10 0 2 1
8 4 0 200 0 1.8 7
9 4 0 400 0 1.5 8
10 4 50 600 0 1 9
11 4 -50 650 0 1 9
`;

/** Writes the morphology as DIR/tiny-pyramid.swc and returns its path. */
export function writeTinyPyramid(dir: string): string {
  const path = join(dir, 'tiny-pyramid.swc');
  writeFileSync(path, TINY_PYRAMID_SWC);
  return path;
}
