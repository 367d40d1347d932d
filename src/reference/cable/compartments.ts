/**
 * Morphology → CompartmentTree (spec §1.3–§1.4, §0, §4.16): nseg rule, truncated-cone areas,
 * half-piece axial resistances, root sections wired to the soma centre, one zero-area junction per
 * branch point, path distances and the distances used for distance-dependent densities.
 */
import { REGION_CODE, type CompartmentTree } from './compartment-tree.js';
import {
  arcLengths,
  childrenOf,
  coneIntegrals,
  nsegForLength,
  resistanceMOhm,
  sectionStartDistances,
  type ConeIntegrals,
} from '../morphology/geometry.js';
import type { Morphology } from '../morphology/types.js';

export interface CompartmentOptions {
  /** axial resistivity, Ω·cm (default 100, spec §3.1) */
  ra?: number;
  /**
   * Quirk Q4 (spec §4.16): the last compartment of every apical section takes the distance of the
   * section's distal end for distance-dependent densities. Default true (reproduces the reference).
   */
  endDistanceQuirk?: boolean;
}

function validate(morph: Morphology): void {
  const secs = morph.sections;
  if (secs.length === 0 || secs[0].region !== 'soma' || secs[0].parent !== -1) {
    throw new Error(`${morph.name}: section 0 must be the soma with parent -1`);
  }
  for (let i = 0; i < secs.length; i++) {
    const sec = secs[i];
    if (sec.id !== i) throw new Error(`${morph.name}: section ${sec.name} has id ${sec.id} out of place`);
    if (sec.points.length < 2) throw new Error(`${morph.name}: section ${sec.name} has fewer than 2 points`);
    for (const p of sec.points) {
      if (!(p.d > 0) || !Number.isFinite(p.x + p.y + p.z + p.d)) {
        throw new Error(
          `${morph.name}: section ${sec.name} has a point with invalid position or diameter ${p.d}`,
        );
      }
    }
    if (sec.id === 0) continue;
    if (sec.region === 'soma') throw new Error(`${morph.name}: more than one soma section (${sec.name})`);
    if (sec.parent < 0 || sec.parent >= sec.id) {
      throw new Error(
        `${morph.name}: section ${sec.name} must have a parent listed before it (got ${sec.parent})`,
      );
    }
    const onSoma = sec.parent === 0;
    if (onSoma ? sec.parentX !== 0.5 : sec.parentX !== 1) {
      throw new Error(
        `${morph.name}: section ${sec.name} attaches at x=${sec.parentX}; only the soma centre (0.5) or a parent's distal end (1) is supported`,
      );
    }
  }
}

export function buildCompartmentTree(morph: Morphology, options: CompartmentOptions = {}): CompartmentTree {
  const ra = options.ra ?? 100;
  const endDistanceQuirk = options.endDistanceQuirk ?? true;
  if (!(ra > 0)) throw new Error(`axial resistivity must be positive, got ${ra}`);
  validate(morph);
  const secs = morph.sections;
  const nSec = secs.length;
  const arcs = secs.map((s) => arcLengths(s.points));
  const lengths = arcs.map((a) => a[a.length - 1]);
  const children = childrenOf(morph);
  // the soma is always one compartment (spec §1.4); every root section hangs on its centre
  const nseg = new Int32Array(nSec);
  for (let s = 0; s < nSec; s++) nseg[s] = s === 0 ? 1 : nsegForLength(lengths[s]);
  const start = sectionStartDistances(morph, lengths);

  let nNodes = 1;
  for (let s = 1; s < nSec; s++) nNodes += nseg[s] + (children[s].length > 0 ? 1 : 0);

  const tree: CompartmentTree = {
    nNodes,
    parent: new Int32Array(nNodes),
    rParent: new Float64Array(nNodes),
    area: new Float64Array(nNodes),
    region: new Uint8Array(nNodes),
    section: new Int32Array(nNodes),
    segment: new Int32Array(nNodes),
    x: new Float64Array(nNodes),
    length: new Float64Array(nNodes),
    pathDistance: new Float64Array(nNodes),
    densityDistance: new Float64Array(nNodes),
    nseg,
    dendriticNodes: new Int32Array(0),
    nBasal: 0,
    nApical: 0,
    longestApicalPath: 0,
    ra,
  };

  const tmp: ConeIntegrals = { area: 0, resistanceFactor: 0 };
  const junctionOf = new Int32Array(nSec).fill(-1);
  const basal: number[] = [];
  const apical: number[] = [];

  // soma: node 0
  const somaArc = arcs[0];
  tree.parent[0] = -1;
  tree.area[0] = coneIntegrals(secs[0].points, somaArc, 0, lengths[0], tmp).area;
  tree.region[0] = REGION_CODE.soma;
  tree.section[0] = 0;
  tree.segment[0] = 0;
  tree.x[0] = 0.5;
  tree.length[0] = lengths[0];
  junctionOf[0] = 0;

  let next = 1;
  for (let s = 1; s < nSec; s++) {
    const sec = secs[s];
    const n = nseg[s];
    const L = lengths[s];
    const piece = L / n;
    const code = REGION_CODE[sec.region];
    const isApical = sec.region === 'apical';
    let prevNode = junctionOf[sec.parent];
    let pendingHalf = 0; // second half of the previous piece, MΩ
    for (let k = 0; k < n; k++) {
      const a = k * piece;
      const mid = a + piece / 2;
      const b = k === n - 1 ? L : (k + 1) * piece;
      coneIntegrals(sec.points, arcs[s], a, mid, tmp);
      const firstArea = tmp.area;
      const firstHalf = resistanceMOhm(tmp.resistanceFactor, ra);
      coneIntegrals(sec.points, arcs[s], mid, b, tmp);
      const node = next++;
      tree.parent[node] = prevNode;
      tree.rParent[node] = pendingHalf + firstHalf;
      tree.area[node] = firstArea + tmp.area;
      tree.region[node] = code;
      tree.section[node] = s;
      tree.segment[node] = k;
      tree.x[node] = (k + 0.5) / n;
      tree.length[node] = piece;
      tree.pathDistance[node] = start[s] + mid;
      tree.densityDistance[node] =
        endDistanceQuirk && isApical && k === n - 1 ? start[s] + L : tree.pathDistance[node];
      pendingHalf = resistanceMOhm(tmp.resistanceFactor, ra);
      prevNode = node;
      if (sec.region === 'basal') basal.push(node);
      else if (isApical) apical.push(node);
    }
    if (children[s].length > 0) {
      const j = next++;
      tree.parent[j] = prevNode;
      tree.rParent[j] = pendingHalf;
      tree.region[j] = REGION_CODE.junction;
      tree.section[j] = -1;
      tree.segment[j] = -1;
      tree.x[j] = 1;
      tree.pathDistance[j] = start[s] + L;
      tree.densityDistance[j] = start[s] + L;
      junctionOf[s] = j;
    } else if (isApical) {
      tree.longestApicalPath = Math.max(tree.longestApicalPath, start[s] + L);
    }
  }
  tree.dendriticNodes = Int32Array.from([...basal, ...apical]);
  tree.nBasal = basal.length;
  tree.nApical = apical.length;
  return tree;
}
