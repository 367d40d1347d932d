/**
 * Geometry of sections made of 3-D points: arc length, truncated-cone integrals (area and axial
 * resistance, spec §1.3), the nseg rule and path distances (spec §0).
 */
import type { Morphology, Point3D, Section } from './types.js';

/** nseg = 1 + 2·floor(L/40) (spec §1.3). */
export function nsegForLength(length: number): number {
  return 1 + 2 * Math.floor(length / 40);
}

/** Cumulative arc length at every point, µm (first entry 0). */
export function arcLengths(points: readonly Point3D[]): Float64Array {
  const s = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    s[i] = s[i - 1] + Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z);
  }
  return s;
}

export function sectionLength(section: Section): number {
  const s = arcLengths(section.points);
  return s[s.length - 1];
}

/** Integrals of a polyline of truncated cones over an arc interval. */
export interface ConeIntegrals {
  /** lateral area Σ π (da+db)/2 · sqrt(Δs² + ((da−db)/2)²), µm² */
  area: number;
  /** Σ Δs / (da·db), 1/µm; times 4·Ra/π·1e-2 gives MΩ */
  resistanceFactor: number;
}

/**
 * Integrates area and resistance over arc positions [a, b] of one section. Piece ends that fall
 * between two 3-D points get their diameter by linear interpolation along arc length. A zero-length
 * pair of points (a diameter step) belongs to the interval that contains its position, counted once:
 * half-open [a, b) except when b is the section end.
 */
export function coneIntegrals(
  points: readonly Point3D[],
  arc: Float64Array,
  a: number,
  b: number,
  out: ConeIntegrals,
): ConeIntegrals {
  const end = arc[arc.length - 1];
  let area = 0;
  let resist = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const s0 = arc[i];
    const s1 = arc[i + 1];
    if (s1 === s0) {
      const inside = s0 >= a && (s0 < b || (b === end && s0 <= b));
      if (inside) {
        const d0 = points[i].d;
        const d1 = points[i + 1].d;
        area += (Math.PI * (d0 + d1) * Math.abs(d0 - d1)) / 4;
      }
      continue;
    }
    const lo = Math.max(s0, a);
    const hi = Math.min(s1, b);
    if (hi <= lo) continue;
    const d0 = points[i].d;
    const slope = (points[i + 1].d - d0) / (s1 - s0);
    const da = d0 + slope * (lo - s0);
    const db = d0 + slope * (hi - s0);
    const ds = hi - lo;
    const dr = (da - db) / 2;
    area += (Math.PI * (da + db) * Math.sqrt(ds * ds + dr * dr)) / 2;
    resist += ds / (da * db);
  }
  out.area = area;
  out.resistanceFactor = resist;
  return out;
}

/** MΩ from a cone resistance factor (Σ Δs/(da·db), 1/µm) and Ra (Ω·cm): 4·Ra/π · Σ · 1e-2. */
export function resistanceMOhm(resistanceFactor: number, ra: number): number {
  return ((4 * ra) / Math.PI) * resistanceFactor * 1e-2;
}

/** Lateral area of a whole section, µm². */
export function sectionArea(section: Section): number {
  const arc = arcLengths(section.points);
  return coneIntegrals(section.points, arc, 0, arc[arc.length - 1], { area: 0, resistanceFactor: 0 }).area;
}

/** Point at normalised arc position x ∈ [0, 1] (diameter interpolated too). */
export function pointAt(points: readonly Point3D[], x: number): Point3D {
  const arc = arcLengths(points);
  const target = x * arc[arc.length - 1];
  for (let i = 0; i + 1 < points.length; i++) {
    if (arc[i + 1] >= target && arc[i + 1] > arc[i]) {
      const f = Math.max(0, Math.min(1, (target - arc[i]) / (arc[i + 1] - arc[i])));
      const p = points[i];
      const q = points[i + 1];
      return {
        x: p.x + f * (q.x - p.x),
        y: p.y + f * (q.y - p.y),
        z: p.z + f * (q.z - p.z),
        d: p.d + f * (q.d - p.d),
      };
    }
  }
  return { ...points[points.length - 1] };
}

/** Child section ids per section, in section order. */
export function childrenOf(morph: Morphology): number[][] {
  const children: number[][] = morph.sections.map(() => []);
  for (const sec of morph.sections) if (sec.parent >= 0) children[sec.parent].push(sec.id);
  return children;
}

/**
 * Path distance (µm) of the proximal end of every section: 0 for sections attached to the soma
 * (the soma's own length is never added, spec §0), parent start + parentX·parent length otherwise.
 * The soma itself gets −L/2 so that its centre is at 0.
 */
export function sectionStartDistances(morph: Morphology, lengths: readonly number[]): Float64Array {
  const start = new Float64Array(morph.sections.length);
  for (const sec of morph.sections) {
    if (sec.parent < 0) {
      start[sec.id] = -lengths[sec.id] / 2;
    } else if (morph.sections[sec.parent].region === 'soma') {
      start[sec.id] = 0;
    } else {
      if (sec.parent >= sec.id) throw new Error(`section ${sec.name}: parent ${sec.parent} comes after it`);
      start[sec.id] = start[sec.parent] + sec.parentX * lengths[sec.parent];
    }
  }
  return start;
}
