/**
 * Soma contour → soma section profile, following the recipe of spec §2.4 (the one NEURON's
 * Import3d applies to a Neurolucida CellBody contour): resample to 101 points equally spaced in
 * perimeter, principal axes of the scatter, two monotone sides, 21 stations with the diameter as
 * the distance between the sides, end diameters averaged with their neighbour.
 */
import type { Point3D } from './types.js';

const RESAMPLED = 101;
const STATIONS = 21;

type Vec3 = [number, number, number];

/** Resamples an open polyline to `n` points equally spaced in arc length (both ends kept). */
function resample(
  xs: number[],
  ys: number[],
  zs: number[],
  n: number,
): { x: number[]; y: number[]; z: number[] } {
  const m = xs.length;
  const perim = new Float64Array(m);
  for (let i = 1; i < m; i++) {
    perim[i] = perim[i - 1] + Math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1], zs[i] - zs[i - 1]);
  }
  const total = perim[m - 1];
  const out = { x: new Array<number>(n), y: new Array<number>(n), z: new Array<number>(n) };
  let j = 0;
  for (let k = 0; k < n; k++) {
    const s = (total * k) / (n - 1);
    while (j < m - 2 && perim[j + 1] < s) j++;
    const span = perim[j + 1] - perim[j];
    const f = span > 0 ? Math.min(1, Math.max(0, (s - perim[j]) / span)) : 0;
    out.x[k] = xs[j] + f * (xs[j + 1] - xs[j]);
    out.y[k] = ys[j] + f * (ys[j + 1] - ys[j]);
    out.z[k] = zs[j] + f * (zs[j + 1] - zs[j]);
  }
  return out;
}

/** Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations; columns of `vectors`. */
export function symmetricEigen3(m: number[][]): { values: Vec3; vectors: number[][] } {
  const a = m.map((r) => r.slice());
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
    if (off < 1e-30 * (a[0][0] ** 2 + a[1][1] ** 2 + a[2][2] ** 2 + 1e-300)) break;
    for (let p = 0; p < 2; p++) {
      for (let q = p + 1; q < 3; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 3; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < 3; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 3; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: [a[0][0], a[1][1], a[2][2]], vectors: v };
}

/** Linear interpolation of y(x) for ascending xs; clamps outside the range. */
function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  const n = xs.length;
  if (x >= xs[n - 1]) return ys[n - 1];
  let i = 0;
  while (xs[i + 1] < x) i++;
  const span = xs[i + 1] - xs[i];
  return span > 0 ? ys[i] + ((x - xs[i]) / span) * (ys[i + 1] - ys[i]) : ys[i];
}

/** Keeps the points of a side whose major coordinate strictly increases (the monotone part). */
function monotoneIncreasing(major: number[], minor: number[]): { major: number[]; minor: number[] } {
  const out = { major: [major[0]], minor: [minor[0]] };
  for (let i = 1; i < major.length; i++) {
    if (major[i] > out.major[out.major.length - 1]) {
      out.major.push(major[i]);
      out.minor.push(minor[i]);
    }
  }
  return out;
}

/**
 * Converts a closed soma contour (at least 3 distinct points) into the 21-station soma profile.
 * Throws when the contour is degenerate (no extent along any axis).
 */
export function somaProfileFromContour(contour: readonly { x: number; y: number; z: number }[]): Point3D[] {
  if (contour.length < 3) throw new Error(`soma contour has ${contour.length} point(s); at least 3 needed`);
  const r = resample(
    contour.map((p) => p.x),
    contour.map((p) => p.y),
    contour.map((p) => p.z),
    RESAMPLED,
  );
  const n = RESAMPLED;
  const mean: Vec3 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    mean[0] += r.x[i] / n;
    mean[1] += r.y[i] / n;
    mean[2] += r.z[i] / n;
  }
  const rel: Vec3[] = [];
  for (let i = 0; i < n; i++) rel.push([r.x[i] - mean[0], r.y[i] - mean[1], r.z[i] - mean[2]]);
  const scatter = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const p of rel) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) scatter[a][b] += p[a] * p[b];
  const { values, vectors } = symmetricEigen3(scatter);
  const order = [0, 1, 2].sort((a, b) => values[b] - values[a]);
  const majorAxis: Vec3 = [vectors[0][order[0]], vectors[1][order[0]], vectors[2][order[0]]];
  const minorAxis: Vec3 = [vectors[0][order[1]], vectors[1][order[1]], 0];
  const minorNorm = Math.hypot(minorAxis[0], minorAxis[1]);
  if (!(values[order[0]] > 0) || minorNorm === 0)
    throw new Error('soma contour is degenerate (no planar extent)');
  minorAxis[0] /= minorNorm;
  minorAxis[1] /= minorNorm;

  const major = rel.map((p) => p[0] * majorAxis[0] + p[1] * majorAxis[1] + p[2] * majorAxis[2]);
  const minor = rel.map((p) => p[0] * minorAxis[0] + p[1] * minorAxis[1]);

  // Walk the contour from the point of largest major coordinate; side A runs to the smallest, side B back.
  let iMax = 0;
  for (let i = 1; i < n; i++) if (major[i] > major[iMax]) iMax = i;
  const rotMajor = major.slice(iMax).concat(major.slice(0, iMax));
  const rotMinor = minor.slice(iMax).concat(minor.slice(0, iMax));
  let iMin = 0;
  for (let i = 1; i < n; i++) if (rotMajor[i] < rotMajor[iMin]) iMin = i;
  // The extreme-minimum point belongs to side B only (this reproduces NEURON's soma of cell1.asc).
  const sideA = monotoneIncreasing(rotMajor.slice(0, iMin).reverse(), rotMinor.slice(0, iMin).reverse());
  const sideB = monotoneIncreasing(
    rotMajor.slice(iMin).concat(rotMajor[0]),
    rotMinor.slice(iMin).concat(rotMinor[0]),
  );

  const sorted = major.slice().sort((a, b) => a - b);
  const lo = sorted[1];
  const hi = sorted[n - 2];
  const profile: Point3D[] = [];
  for (let k = 0; k < STATIONS; k++) {
    const t = lo + ((hi - lo) * k) / (STATIONS - 1);
    const d = Math.abs(interpolate(sideA.major, sideA.minor, t) - interpolate(sideB.major, sideB.minor, t));
    profile.push({
      x: mean[0] + t * majorAxis[0],
      y: mean[1] + t * majorAxis[1],
      z: mean[2] + t * majorAxis[2],
      d,
    });
  }
  profile[0].d = (profile[0].d + profile[1].d) / 2;
  profile[STATIONS - 1].d = (profile[STATIONS - 1].d + profile[STATIONS - 2].d) / 2;
  return profile;
}
