/**
 * Neurolucida ASC (v3 text) → Morphology (spec §2.4). The CellBody contour becomes the soma profile,
 * Dendrite/Apical trees become sections, the reconstructed axon is replaced by the stub of §2.1,
 * markers, metadata and other contours are skipped.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AscSyntaxError, readAscExpressions, type AscNode } from './asc-tokens.js';
import {
  assembleMorphology,
  axonStubTree,
  type Tree,
  type TreeRegion,
  type TreeSection,
} from './assemble.js';
import { somaProfileFromContour } from './soma-contour.js';
import type { Morphology, Point3D } from './types.js';

type ListNode = Extract<AscNode, { kind: 'list' }>;

const TREE_TYPES: Record<string, TreeRegion> = { Dendrite: 'basal', Apical: 'apical', Axon: 'axon' };

/** A branch of a Neurolucida tree: its own points and the alternatives of its final split. */
interface AscBranch {
  points: Point3D[];
  children: AscBranch[];
  line: number;
}

function isList(node: AscNode | undefined): node is ListNode {
  return node !== undefined && node.kind === 'list';
}

/** `(Dendrite)` style tag: a list holding exactly one word. */
function tagOf(node: AscNode): string | undefined {
  if (isList(node) && node.items.length === 1 && node.items[0].kind === 'word') return node.items[0].value;
  return undefined;
}

function isPointList(node: ListNode): boolean {
  return node.items.length > 0 && node.items[0].kind === 'number';
}

/** A point `( x y z d [tag] )`; the fourth number is the diameter. */
function readPoint(node: ListNode, source: string): Point3D {
  const nums: number[] = [];
  for (const item of node.items) {
    if (item.kind !== 'number') break;
    nums.push(item.value);
  }
  if (nums.length < 4) {
    throw new AscSyntaxError(node.line, `point needs x y z diameter, found ${nums.length} number(s)`, source);
  }
  const [x, y, z, d] = nums;
  if (![x, y, z, d].every(Number.isFinite))
    throw new AscSyntaxError(node.line, 'point has a non-finite value', source);
  return { x, y, z, d };
}

/** A list opening a split: its first item is a list or '|' (branches separated by '|'). */
function isSplit(node: ListNode): boolean {
  const first = node.items[0];
  return first !== undefined && (first.kind === 'list' || first.kind === 'bar');
}

function readBranch(
  items: readonly AscNode[],
  line: number,
  source: string,
  requirePoints: boolean,
): AscBranch {
  const branch: AscBranch = { points: [], children: [], line };
  for (const item of items) {
    if (item.kind === 'list') {
      if (isPointList(item)) {
        if (branch.children.length > 0) {
          throw new AscSyntaxError(item.line, 'point after a branch split in the same branch', source);
        }
        branch.points.push(readPoint(item, source));
      } else if (isSplit(item)) {
        if (branch.children.length > 0)
          throw new AscSyntaxError(item.line, 'second split in one branch', source);
        branch.children = readSplit(item, source);
      } else if (item.items.length === 0) {
        throw new AscSyntaxError(item.line, 'empty block', source);
      }
      // else: a marker or metadata block such as (Cross …), (Color …), (Name "…"), (Dendrite): skipped
    } else if (item.kind === 'number') {
      throw new AscSyntaxError(item.line, `number ${item.value} outside a point`, source);
    } else if (item.kind === 'bar') {
      throw new AscSyntaxError(item.line, "'|' outside a branch split", source);
    }
    // bare words (Normal, Incomplete, High, Low, Generated, …) and strings are annotations
  }
  if (requirePoints && branch.points.length === 0) {
    throw new AscSyntaxError(line, 'branch has no points', source);
  }
  return branch;
}

function readSplit(split: ListNode, source: string): AscBranch[] {
  const alternatives: AscNode[][] = [[]];
  for (const item of split.items) {
    if (item.kind === 'bar') alternatives.push([]);
    else alternatives[alternatives.length - 1].push(item);
  }
  return alternatives.map((items) => {
    const line = items.length > 0 ? items[0].line : split.line;
    return readBranch(items, line, source, true);
  });
}

/** Child sections start at the parent's last position with their own first diameter (spec §2.4). */
function toTreeSection(branch: AscBranch, parentEnd: Point3D | null, source: string): TreeSection {
  const points = branch.points.map((p) => ({ ...p }));
  if (parentEnd) points.unshift({ x: parentEnd.x, y: parentEnd.y, z: parentEnd.z, d: branch.points[0].d });
  if (points.length < 2) {
    throw new AscSyntaxError(branch.line, 'tree root has a single point (a section needs two)', source);
  }
  const end = points[points.length - 1];
  return { points, children: branch.children.map((c) => toTreeSection(c, end, source)) };
}

export interface ReadAscOptions {
  /** name of the morphology (default: file name or 'asc') */
  name?: string;
  /** label for error messages (default: name) */
  source?: string;
}

export function parseAsc(text: string, options: ReadAscOptions = {}): Morphology {
  const name = options.name ?? 'asc';
  const source = options.source ?? name;
  const top = readAscExpressions(text, source);
  let soma: Point3D[] | null = null;
  let somaLine = 0;
  const trees: Tree[] = [];
  for (const node of top) {
    if (!isList(node)) continue;
    const tags = node.items.map(tagOf);
    if (tags.includes('CellBody')) {
      if (soma) {
        throw new AscSyntaxError(
          node.line,
          `second CellBody contour (first at line ${somaLine}); not supported`,
          source,
        );
      }
      const contour = node.items
        .filter((i): i is ListNode => isList(i) && isPointList(i))
        .map((p) => readPoint(p, source));
      try {
        soma = somaProfileFromContour(contour);
      } catch (e) {
        throw new AscSyntaxError(node.line, (e as Error).message, source);
      }
      somaLine = node.line;
      continue;
    }
    const treeTag = tags.find((t) => t !== undefined && t in TREE_TYPES);
    if (treeTag === undefined) continue; // other contours, markers, image metadata
    const branch = readBranch(node.items, node.line, source, true);
    if (TREE_TYPES[treeTag] === 'axon') continue; // replaced by the stub below (spec §2.1)
    trees.push({ region: TREE_TYPES[treeTag], root: toTreeSection(branch, null, source) });
  }
  if (!soma) throw new AscSyntaxError(1, 'no CellBody contour (soma) in the file', source);
  trees.push(axonStubTree(soma));
  return assembleMorphology(name, soma, trees);
}

export function readAscFile(path: string, options: ReadAscOptions = {}): Morphology {
  const text = readFileSync(path, 'utf8');
  const name = options.name ?? basename(path).replace(/\.asc$/i, '');
  return parseAsc(text, { name, source: options.source ?? path });
}
