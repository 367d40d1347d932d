/**
 * Turns trees of sections (as readers and builders produce them) into a Morphology in the
 * canonical section order of spec §2.3: soma, axon, basal trees in the given order, apical trees;
 * each tree depth-first pre-order with children in the given order.
 */
import type { Morphology, Point3D, Region, Section } from './types.js';
import { pointAt } from './geometry.js';

export type TreeRegion = Exclude<Region, 'soma'>;

/** One section of a tree under construction; `points` already include the branch-point copy. */
export interface TreeSection {
  points: Point3D[];
  children: TreeSection[];
}

export interface Tree {
  region: TreeRegion;
  root: TreeSection;
}

const NAME_PREFIX: Record<Region, string> = { soma: 'soma', axon: 'axon', basal: 'dend', apical: 'apic' };
const REGION_RANK: Record<TreeRegion, number> = { axon: 0, basal: 1, apical: 2 };

/**
 * Builds the Morphology. Trees are stably sorted by region (axon, basal, apical) so that the
 * relative order of trees within a region (file order) is kept.
 */
export function assembleMorphology(name: string, somaPoints: Point3D[], trees: readonly Tree[]): Morphology {
  if (somaPoints.length < 2) throw new Error(`${name}: soma needs at least two 3-D points`);
  const sections: Section[] = [
    { id: 0, name: 'soma[0]', region: 'soma', parent: -1, parentX: 0.5, points: somaPoints },
  ];
  const perRegion: Record<Region, number> = { soma: 1, axon: 0, basal: 0, apical: 0 };
  const ordered = trees
    .map((tree, i) => ({ tree, i }))
    .sort((p, q) => REGION_RANK[p.tree.region] - REGION_RANK[q.tree.region] || p.i - q.i);
  for (const { tree } of ordered) {
    // explicit stack instead of recursion: real trees can be deep
    const stack: { node: TreeSection; parent: number }[] = [{ node: tree.root, parent: 0 }];
    while (stack.length > 0) {
      const { node, parent } = stack.pop()!;
      if (node.points.length < 2) {
        throw new Error(
          `${name}: a ${tree.region} section has ${node.points.length} point(s); at least 2 needed`,
        );
      }
      const id = sections.length;
      sections.push({
        id,
        name: `${NAME_PREFIX[tree.region]}[${perRegion[tree.region]++}]`,
        region: tree.region,
        parent,
        parentX: parent === 0 ? 0.5 : 1,
        points: node.points,
      });
      for (let c = node.children.length - 1; c >= 0; c--) stack.push({ node: node.children[c], parent: id });
    }
  }
  return { name, sections };
}

/**
 * The replacement axon of spec §2.1: two cylinders of 30 µm × 1 µm, the first attached to the soma
 * centre, the second to the first's distal end. Drawn downwards (−y) from the soma centre; the
 * position has no electrical meaning.
 */
export function axonStubTree(somaPoints: readonly Point3D[]): Tree {
  const c = pointAt(somaPoints, 0.5);
  const at = (dy: number): Point3D => ({ x: c.x, y: c.y - dy, z: c.z, d: 1 });
  const second: TreeSection = { points: [at(30), at(60)], children: [] };
  return { region: 'axon', root: { points: [at(0), at(30)], children: [second] } };
}

/** Soma as a cylinder of length and diameter `diameter` centred at `centre`, axis along +y. */
export function cylinderSoma(centre: { x: number; y: number; z: number }, diameter: number): Point3D[] {
  const h = diameter / 2;
  return [
    { x: centre.x, y: centre.y - h, z: centre.z, d: diameter },
    { x: centre.x, y: centre.y + h, z: centre.z, d: diameter },
  ];
}
