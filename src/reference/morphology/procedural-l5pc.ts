/**
 * The procedural L5PC-like cell of spec §2.5: a deterministic recipe of balanced binary trees that
 * matches the reconstructed cell's section and compartment counts per region (84/262 basal,
 * 109/377 apical) and, closely, its lengths and areas. The 2-D layout is for display and SWC
 * export only.
 */
import { assembleMorphology, axonStubTree, cylinderSoma, type Tree, type TreeSection } from './assemble.js';
import { childrenOf } from './geometry.js';
import type { Morphology, Point3D } from './types.js';

/** Soma cylinder L = d (µm): area 1131.4 µm² like the reconstructed soma. */
export const PROCEDURAL_SOMA_DIAMETER = 18.977;
const TIP_DIAMETER = 0.35;
const DEG = Math.PI / 180;

const BASAL_TIPS = [4, 5, 12, 2, 11, 8, 1, 3];
const BASAL_TERMINAL = [95, 95, 95, 55, 95, 95, 55, 95];
const BASAL_INTERNAL = 24;
const basalDiameter = (k: number): number => Math.max(0.45, 1.4 * 0.75 ** k);

const TRUNK_LENGTHS = [46, 65, 29, 41, 7, 65, 46, 15, 67, 245];
const TRUNK_TOTAL = 626;
/** D_trunk(s) = 2.3 + 1.0·(1 − s/626) + 3.5·exp(−s/12), µm */
const trunkDiameter = (s: number): number => 2.3 + (1 - s / TRUNK_TOTAL) + 3.5 * Math.exp(-s / 12);

const OBLIQUE_TIPS = [3, 3, 10, 1, 5, 3, 3, 4, 1];
const OBLIQUE_INTERNAL = 25;
const obliqueDiameter = (k: number): number => Math.max(0.5, 1.4 * 0.8 ** k);

const alternating = (i: number): number => (i % 2 === 0 ? 95 : 55);
const fromTable = (table: readonly number[]) => (k: number) => table[Math.min(k, table.length - 1)];

const TUFT_B = { tips: 7, internal: fromTable([235, 75, 55]), diameter: fromTable([1.55, 1.1, 0.7, 0.55]) };
const TUFT_A = {
  tips: 15,
  internal: fromTable([275, 115, 115, 55]),
  diameter: fromTable([2.15, 1.45, 0.95, 0.65, 0.55]),
};

interface TreeRecipe {
  internalLength: (depth: number) => number;
  /** length of the i-th terminal (creation order within the subtree) */
  terminalLength: (i: number) => number;
  diameter: (depth: number) => number;
  /** turn of the first child at a branch point (the second turns the other way), radians */
  turn: number;
}

interface Pose {
  x: number;
  y: number;
  /** direction as a counter-clockwise angle from +y, radians */
  angle: number;
}

function straightSection(
  from: Pose,
  length: number,
  d0: number,
  d1: number,
): { points: Point3D[]; end: Pose } {
  const dx = -Math.sin(from.angle);
  const dy = Math.cos(from.angle);
  const end = { x: from.x + length * dx, y: from.y + length * dy, angle: from.angle };
  return {
    points: [
      { x: from.x, y: from.y, z: 0, d: d0 },
      { x: end.x, y: end.y, z: 0, d: d1 },
    ],
    end,
  };
}

/** Tree(n, k) of spec §2.5; `terminals` counts terminals created so far in this subtree. */
function balancedTree(
  n: number,
  depth: number,
  pose: Pose,
  recipe: TreeRecipe,
  terminals: { count: number },
): TreeSection {
  if (n === 1) {
    const length = recipe.terminalLength(terminals.count++);
    return {
      points: straightSection(pose, length, recipe.diameter(depth), TIP_DIAMETER).points,
      children: [],
    };
  }
  const sec = straightSection(
    pose,
    recipe.internalLength(depth),
    recipe.diameter(depth),
    recipe.diameter(depth + 1),
  );
  const first = balancedTree(
    Math.ceil(n / 2),
    depth + 1,
    { ...sec.end, angle: sec.end.angle + recipe.turn },
    recipe,
    terminals,
  );
  const second = balancedTree(
    Math.floor(n / 2),
    depth + 1,
    { ...sec.end, angle: sec.end.angle - recipe.turn },
    recipe,
    terminals,
  );
  return { points: sec.points, children: [first, second] };
}

function subtree(n: number, pose: Pose, recipe: TreeRecipe): TreeSection {
  return balancedTree(n, 0, pose, recipe, { count: 0 });
}

function apicalTree(somaTop: number): TreeSection {
  const trunk: TreeSection[] = [];
  let pose: Pose = { x: 0, y: somaTop, angle: 0 };
  let s = 0;
  for (const length of TRUNK_LENGTHS) {
    const sec = straightSection(pose, length, trunkDiameter(s), trunkDiameter(s + length));
    trunk.push({ points: sec.points, children: [] });
    pose = sec.end;
    s += length;
  }
  const obliqueRecipe: TreeRecipe = {
    internalLength: () => OBLIQUE_INTERNAL,
    terminalLength: alternating,
    diameter: obliqueDiameter,
    turn: 30 * DEG,
  };
  for (let j = 0; j < OBLIQUE_TIPS.length; j++) {
    const end = trunk[j].points[1];
    const angle = (j % 2 === 0 ? 60 : -60) * DEG;
    // oblique subtree first, then the trunk continuation (spec §2.5 ordering)
    trunk[j].children.push(
      subtree(OBLIQUE_TIPS[j], { x: end.x, y: end.y, angle }, obliqueRecipe),
      trunk[j + 1],
    );
  }
  const top = trunk[trunk.length - 1].points[1];
  const tuft = (spec: typeof TUFT_A, angle: number) =>
    subtree(
      spec.tips,
      { x: top.x, y: top.y, angle },
      { internalLength: spec.internal, terminalLength: alternating, diameter: spec.diameter, turn: 25 * DEG },
    );
  trunk[trunk.length - 1].children.push(tuft(TUFT_B, 25 * DEG), tuft(TUFT_A, -25 * DEG));
  return trunk[0];
}

export interface ProceduralL5pc extends Morphology {
  /** section ids of the 10 apical trunk sections, from the soma to the main bifurcation */
  trunk: number[];
}

export function buildProceduralL5pc(name = 'procedural-l5pc'): ProceduralL5pc {
  const r = PROCEDURAL_SOMA_DIAMETER / 2;
  const soma = cylinderSoma({ x: 0, y: 0, z: 0 }, PROCEDURAL_SOMA_DIAMETER);
  const trees: Tree[] = [];
  for (let k = 0; k < BASAL_TIPS.length; k++) {
    const terminal = BASAL_TERMINAL[k];
    const recipe: TreeRecipe = {
      internalLength: () => BASAL_INTERNAL,
      terminalLength: () => terminal,
      diameter: basalDiameter,
      turn: 30 * DEG,
    };
    trees.push({
      region: 'basal',
      root: subtree(BASAL_TIPS[k], { x: 0, y: -r, angle: (180 + (k - 3.5) * 30) * DEG }, recipe),
    });
  }
  trees.push({ region: 'apical', root: apicalTree(r) });
  trees.push(axonStubTree(soma));
  const morph = assembleMorphology(name, soma, trees);
  // the trunk continuation is the last child of each trunk section
  const children = childrenOf(morph);
  const trunk = [morph.sections.findIndex((s) => s.region === 'apical')];
  while (trunk.length < TRUNK_LENGTHS.length) {
    const kids = children[trunk[trunk.length - 1]];
    trunk.push(kids[kids.length - 1]);
  }
  return { ...morph, trunk };
}
