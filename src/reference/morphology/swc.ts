/**
 * SWC reader and writer (spec §2.4). One point per line: `id type x y z radius parent`.
 *
 * Reading: sections are the unbranched runs between branch points; a child section starts with
 * its parent's branch point, except when the child's first point sits exactly at the branch point
 * (the writer's way of giving a child its own starting diameter), in which case that point starts
 * it. Trees whose first point hangs on any soma point (or on nothing) attach to the soma centre and
 * keep their own first point. Soma encodings: one point (sphere → cylinder L = d = 2r, same area),
 * the three-point soma (cylinder L = d = 2r), or an unbranched chain of soma points (a profile).
 * The axon is replaced by the stub of spec §2.1. Types other than 1–4 are read as basal dendrite.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  assembleMorphology,
  axonStubTree,
  cylinderSoma,
  type Tree,
  type TreeRegion,
  type TreeSection,
} from './assemble.js';
import { pointAt, sectionArea } from './geometry.js';
import type { Morphology, Point3D, Region } from './types.js';

export class SwcFormatError extends Error {
  constructor(
    readonly line: number,
    reason: string,
    source = 'SWC',
  ) {
    super(`${source}:${line}: ${reason}`);
    this.name = 'SwcFormatError';
  }
}

interface SwcPoint {
  id: number;
  type: number;
  p: Point3D;
  parent: number;
  line: number;
  children: SwcPoint[];
}

const FIELDS = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'];

function parseLines(text: string, source: string): SwcPoint[] {
  const points: SwcPoint[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const content = lines[i].replace(/#.*/, '').trim();
    if (content === '') continue;
    const line = i + 1;
    const f = content.split(/\s+/);
    if (f.length !== 7) {
      throw new SwcFormatError(
        line,
        `expected 7 fields (id type x y z radius parent), found ${f.length}`,
        source,
      );
    }
    const v = f.map((s, k) => {
      const x = Number(s);
      if (!Number.isFinite(x))
        throw new SwcFormatError(line, `field ${FIELDS[k]} is not a number: ${JSON.stringify(s)}`, source);
      return x;
    });
    const [id, type, x, y, z, r, parent] = v;
    if (!Number.isInteger(id) || id < 0)
      throw new SwcFormatError(line, `id must be a non-negative integer, got ${f[0]}`, source);
    if (!Number.isInteger(type))
      throw new SwcFormatError(line, `type must be an integer, got ${f[1]}`, source);
    if (!Number.isInteger(parent) || parent < -1) {
      throw new SwcFormatError(line, `parent must be an integer id or -1, got ${f[6]}`, source);
    }
    if (!(r > 0)) throw new SwcFormatError(line, `radius must be positive, got ${f[5]}`, source);
    if (parent === id) throw new SwcFormatError(line, `point ${id} is its own parent`, source);
    points.push({ id, type, p: { x, y, z, d: 2 * r }, parent, line, children: [] });
  }
  return points;
}

function regionOfType(type: number): Region {
  if (type === 1) return 'soma';
  if (type === 2) return 'axon';
  if (type === 4) return 'apical';
  return 'basal';
}

/** Links children to parents; rejects duplicate ids, unknown parents and cycles. */
function link(points: SwcPoint[], source: string): Map<number, SwcPoint> {
  const byId = new Map<number, SwcPoint>();
  for (const pt of points) {
    const seen = byId.get(pt.id);
    if (seen) throw new SwcFormatError(pt.line, `duplicate id ${pt.id} (first on line ${seen.line})`, source);
    byId.set(pt.id, pt);
  }
  for (const pt of points) {
    if (pt.parent === -1) continue;
    const parent = byId.get(pt.parent);
    if (!parent)
      throw new SwcFormatError(pt.line, `unknown parent id ${pt.parent} of point ${pt.id}`, source);
    parent.children.push(pt);
  }
  // every point must reach a root: follow parents, colouring visited chains
  const state = new Map<number, 1 | 2>(); // 1 on the current walk, 2 known to reach a root
  for (const pt of points) {
    const walk: SwcPoint[] = [];
    let cur: SwcPoint | undefined = pt;
    while (cur && state.get(cur.id) !== 2) {
      if (state.get(cur.id) === 1) {
        throw new SwcFormatError(cur.line, `cycle in parent links through point ${cur.id}`, source);
      }
      state.set(cur.id, 1);
      walk.push(cur);
      cur = cur.parent === -1 ? undefined : byId.get(cur.parent);
    }
    for (const w of walk) state.set(w.id, 2);
  }
  return byId;
}

function somaProfile(somaPts: SwcPoint[], source: string): Point3D[] {
  if (somaPts.length === 1) {
    const { x, y, z, d } = somaPts[0].p;
    return cylinderSoma({ x, y, z }, d);
  }
  const ids = new Set(somaPts.map((s) => s.id));
  const roots = somaPts.filter((s) => !ids.has(s.parent));
  const somaChildren = (s: SwcPoint) => s.children.filter((c) => c.type === 1);
  if (somaPts.length === 3 && roots.length === 1 && somaChildren(roots[0]).length === 2) {
    const [a, b] = somaChildren(roots[0]);
    const c = roots[0].p;
    const r = c.d / 2;
    const opposite = Math.hypot(a.p.x + b.p.x - 2 * c.x, a.p.y + b.p.y - 2 * c.y, a.p.z + b.p.z - 2 * c.z);
    if (opposite < 1e-3 * r + 1e-9) {
      const h = Math.hypot(a.p.x - c.x, a.p.y - c.y, a.p.z - c.z);
      // cylinder of length and diameter 2r along the axis of the two outer points
      const ux = (b.p.x - a.p.x) / (2 * h);
      const uy = (b.p.y - a.p.y) / (2 * h);
      const uz = (b.p.z - a.p.z) / (2 * h);
      return [
        { x: c.x - ux * r, y: c.y - uy * r, z: c.z - uz * r, d: 2 * r },
        { x: c.x + ux * r, y: c.y + uy * r, z: c.z + uz * r, d: 2 * r },
      ];
    }
  }
  if (roots.length !== 1) {
    throw new SwcFormatError(roots[1].line, 'soma points form more than one connected piece', source);
  }
  const chain: Point3D[] = [];
  let cur: SwcPoint | undefined = roots[0];
  while (cur) {
    chain.push({ ...cur.p });
    const next = somaChildren(cur);
    if (next.length > 1) {
      throw new SwcFormatError(
        next[1].line,
        'soma points branch; supported are one point, a three-point soma or an unbranched chain',
        source,
      );
    }
    cur = next[0];
  }
  if (chain.length !== somaPts.length)
    throw new SwcFormatError(somaPts[0].line, 'soma points are not one chain', source);
  return chain;
}

/** Builds the section tree that starts at `first`; `branch` is the branch point it hangs on (or null). */
function sectionFrom(first: SwcPoint, branch: SwcPoint | null): TreeSection {
  const root: TreeSection = { points: [], children: [] };
  const stack: { first: SwcPoint; branch: SwcPoint | null; out: TreeSection }[] = [
    { first, branch, out: root },
  ];
  while (stack.length > 0) {
    const job = stack.pop()!;
    const pts: Point3D[] = [];
    const b = job.branch?.p;
    const samePlace =
      b !== undefined && b.x === job.first.p.x && b.y === job.first.p.y && b.z === job.first.p.z;
    if (b && !samePlace) pts.push({ ...b });
    let cur = job.first;
    pts.push({ ...cur.p });
    while (cur.children.length === 1) {
      cur = cur.children[0];
      pts.push({ ...cur.p });
    }
    job.out.points = pts;
    job.out.children = cur.children.map(() => ({ points: [], children: [] }));
    for (let c = cur.children.length - 1; c >= 0; c--) {
      stack.push({ first: cur.children[c], branch: cur, out: job.out.children[c] });
    }
  }
  return root;
}

export interface ReadSwcOptions {
  name?: string;
  /** label for error messages (default: name) */
  source?: string;
}

export function parseSwc(text: string, options: ReadSwcOptions = {}): Morphology {
  const name = options.name ?? 'swc';
  const source = options.source ?? name;
  const points = parseLines(text, source);
  const byId = link(points, source);
  const somaPts = points.filter((p) => p.type === 1);
  if (somaPts.length === 0) throw new SwcFormatError(1, 'no soma: no point has type 1', source);
  const soma = somaProfile(somaPts, source);
  const trees: Tree[] = [];
  for (const pt of points) {
    if (pt.type === 1) continue;
    const parentIsSoma = pt.parent === -1 || byId.get(pt.parent)?.type === 1;
    if (!parentIsSoma) continue;
    const region = regionOfType(pt.type) as TreeRegion;
    if (region === 'axon') continue; // replaced by the stub (spec §2.1)
    const root = sectionFrom(pt, null);
    if (root.points.length < 2)
      throw new SwcFormatError(pt.line, `tree starting at point ${pt.id} has a single point`, source);
    trees.push({ region, root });
  }
  trees.push(axonStubTree(soma));
  return assembleMorphology(name, soma, trees);
}

export function readSwcFile(path: string, options: ReadSwcOptions = {}): Morphology {
  const name = options.name ?? basename(path).replace(/\.swc$/i, '');
  return parseSwc(readFileSync(path, 'utf8'), { name, source: options.source ?? path });
}

const SWC_TYPE: Record<Region, number> = { soma: 1, axon: 2, basal: 3, apical: 4 };

function num(v: number): string {
  const s = v.toFixed(9).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * Writes a morphology as SWC: the soma as a three-point soma of equal area (axis along y), every
 * other point unchanged (radius = diameter/2). A child section's first point is shared with its
 * parent's last point when they coincide; when only the diameter differs it is written as its own
 * point at the same place, so reading the file back restores the child's starting diameter.
 */
export function writeSwc(morph: Morphology, header = `${morph.name}, written by neurotwin`): string {
  const secs = morph.sections;
  if (secs.length === 0 || secs[0].region !== 'soma')
    throw new Error(`${morph.name}: section 0 must be the soma`);
  const lines: string[] = [...header.split('\n').map((h) => `# ${h}`)];
  const r = Math.sqrt(sectionArea(secs[0]) / (4 * Math.PI));
  const c = pointAt(secs[0].points, 0.5);
  lines.push(`1 1 ${num(c.x)} ${num(c.y)} ${num(c.z)} ${num(r)} -1`);
  lines.push(`2 1 ${num(c.x)} ${num(c.y - r)} ${num(c.z)} ${num(r)} 1`);
  lines.push(`3 1 ${num(c.x)} ${num(c.y + r)} ${num(c.z)} ${num(r)} 1`);
  let nextId = 4;
  const lastId = new Int32Array(secs.length);
  lastId[0] = 1;
  for (let s = 1; s < secs.length; s++) {
    const sec = secs[s];
    if (sec.parent < 0 || sec.parent >= s)
      throw new Error(`${morph.name}: section ${sec.name} must follow its parent`);
    const parentSec = secs[sec.parent];
    let parentId = lastId[sec.parent];
    let from = 0;
    if (sec.parent !== 0) {
      const end = parentSec.points[parentSec.points.length - 1];
      const p0 = sec.points[0];
      if (p0.x === end.x && p0.y === end.y && p0.z === end.z && p0.d === end.d) from = 1;
    }
    for (let i = from; i < sec.points.length; i++) {
      const p = sec.points[i];
      const id = nextId++;
      lines.push(
        `${id} ${SWC_TYPE[sec.region]} ${num(p.x)} ${num(p.y)} ${num(p.z)} ${num(p.d / 2)} ${parentId}`,
      );
      parentId = id;
    }
    lastId[s] = parentId;
  }
  return lines.join('\n') + '\n';
}
