/**
 * A 2-D view of a compartmentalised morphology for drawing: the x–y projection (z dropped; the
 * reconstructions we read put the apical axis along y) of every dendritic compartment as the piece
 * of its section's polyline it covers, plus the soma and axon outlines.
 */
import type { CompartmentTree } from '../cable/compartment-tree.js';
import { REGION_OF_CODE } from '../cable/compartment-tree.js';
import { arcLengths } from './geometry.js';
import type { Morphology, Point3D } from './types.js';

/** A polyline in µm with the diameter (µm) at each point. */
export interface ProjectedPath {
  x: number[];
  y: number[];
  d: number[];
}

export interface ProjectedCompartment extends ProjectedPath {
  /** NEURON-style section name, e.g. 'apic[12]' */
  section: string;
  region: 'basal' | 'apical';
  /** index of the compartment within its section, 0 = proximal */
  segment: number;
  /** the compartment centre (where its synapses sit), µm */
  cx: number;
  cy: number;
  /** path distance from the soma centre, µm */
  pathDistance: number;
}

export interface ProjectedMorphology {
  name: string;
  plane: 'xy';
  bounds: { minX: number; maxX: number; minY: number; maxY: number };
  soma: ProjectedPath[];
  axon: ProjectedPath[];
  /** dendritic compartment j in the tree's synapse order (basal sections first, then apical) */
  compartments: ProjectedCompartment[];
}

/** µm kept to 0.01: far below a pixel, and it keeps the JSON small. */
function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The point at arc position s of a polyline (linear interpolation between its 3-D points). */
function pointAt(points: readonly Point3D[], arc: Float64Array, s: number): Point3D {
  let i = 1;
  while (i < points.length - 1 && arc[i] < s) i++;
  const a = points[i - 1];
  const b = points[i];
  const span = arc[i] - arc[i - 1];
  const w = span > 0 ? Math.min(1, Math.max(0, (s - arc[i - 1]) / span)) : 1;
  return {
    x: a.x + w * (b.x - a.x),
    y: a.y + w * (b.y - a.y),
    z: a.z + w * (b.z - a.z),
    d: a.d + w * (b.d - a.d),
  };
}

/** The part of a polyline between arc positions from and to, end points interpolated. */
function piece(points: readonly Point3D[], arc: Float64Array, from: number, to: number): ProjectedPath {
  const path: ProjectedPath = { x: [], y: [], d: [] };
  const add = (p: Point3D): void => {
    path.x.push(round(p.x));
    path.y.push(round(p.y));
    path.d.push(round(p.d));
  };
  add(pointAt(points, arc, from));
  for (let i = 0; i < points.length; i++) if (arc[i] > from && arc[i] < to) add(points[i]);
  add(pointAt(points, arc, to));
  return path;
}

function wholePath(points: readonly Point3D[]): ProjectedPath {
  return {
    x: points.map((p) => round(p.x)),
    y: points.map((p) => round(p.y)),
    d: points.map((p) => round(p.d)),
  };
}

/**
 * Projects `morphology` as cut into `tree` (the tree must have been built from this morphology:
 * its section ids index morphology.sections).
 */
export function projectMorphology(morphology: Morphology, tree: CompartmentTree): ProjectedMorphology {
  const sections = morphology.sections;
  if (tree.nseg.length !== sections.length) {
    throw new RangeError(
      `the compartment tree has ${tree.nseg.length} sections, morphology '${morphology.name}' ${sections.length}: not built from it`,
    );
  }
  const arcs = sections.map((s) => arcLengths(s.points));
  const compartments: ProjectedCompartment[] = [];
  for (const node of tree.dendriticNodes) {
    const id = tree.section[node];
    const section = sections[id];
    if (!section)
      throw new RangeError(`compartment node ${node} names section ${id}, not in '${morphology.name}'`);
    const region = REGION_OF_CODE[tree.region[node]];
    if (region !== 'basal' && region !== 'apical') {
      throw new RangeError(`dendritic node ${node} lies in region '${region}'`);
    }
    const arc = arcs[id];
    const length = arc[arc.length - 1];
    const nseg = tree.nseg[id];
    const segment = tree.segment[node];
    const path = piece(section.points, arc, (segment / nseg) * length, ((segment + 1) / nseg) * length);
    const centre = pointAt(section.points, arc, tree.x[node] * length);
    compartments.push({
      ...path,
      section: section.name,
      region,
      segment,
      cx: round(centre.x),
      cy: round(centre.y),
      pathDistance: round(tree.pathDistance[node]),
    });
  }
  const soma = sections.filter((s) => s.region === 'soma').map((s) => wholePath(s.points));
  const axon = sections.filter((s) => s.region === 'axon').map((s) => wholePath(s.points));
  const bounds = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const p of [...soma, ...axon, ...compartments]) {
    for (let i = 0; i < p.x.length; i++) {
      const r = p.d[i] / 2;
      bounds.minX = Math.min(bounds.minX, p.x[i] - r);
      bounds.maxX = Math.max(bounds.maxX, p.x[i] + r);
      bounds.minY = Math.min(bounds.minY, p.y[i] - r);
      bounds.maxY = Math.max(bounds.maxY, p.y[i] + r);
    }
  }
  return { name: morphology.name, plane: 'xy', bounds, soma, axon, compartments };
}
