/**
 * Tabulated gate kinetics for the exponential-Euler update x ← x + (1 − e^(−dt/τ))·(x∞ − x):
 * x∞(V) and 1 − e^(−dt/τ(V)) on a uniform voltage grid, read by linear interpolation. Voltages off the grid fall back to the
 * exact functions. Tables are cached per (gate, dt, grid) because every cell of a worker shares them.
 */
import type { GateDefinition } from '../mechanisms/rate-helpers.js';

export interface VoltageGrid {
  /** lowest tabulated voltage, mV */
  vMin: number;
  /** highest tabulated voltage, mV */
  vMax: number;
  /** grid spacing, mV */
  step: number;
}

export const DEFAULT_GRID: VoltageGrid = { vMin: -200, vMax: 200, step: 0.01 };

const cache = new Map<string, Float64Array>();

function gridPoints(grid: VoltageGrid): number {
  if (!(grid.step > 0) || !(grid.vMax > grid.vMin)) {
    throw new RangeError(`invalid voltage grid ${JSON.stringify(grid)}`);
  }
  return Math.round((grid.vMax - grid.vMin) / grid.step) + 1;
}

/**
 * Table of a channel's gates (built once per key, dt and grid; `key` must identify the kinetics):
 * row j holds [x∞, 1 − e^(−dt/τ)] of every gate at v_j = vMin + j·step.
 */
export function channelTable(
  key: string,
  gates: readonly GateDefinition[],
  dt: number,
  grid: VoltageGrid,
): Float64Array {
  const cacheKey = `${key}|${dt}|${grid.vMin}|${grid.vMax}|${grid.step}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const n = gridPoints(grid);
  const stride = 2 * gates.length;
  const data = new Float64Array(stride * n);
  for (let j = 0; j < n; j++) {
    const v = grid.vMin + j * grid.step;
    gates.forEach((gate, g) => {
      data[stride * j + 2 * g] = gate.inf(v);
      data[stride * j + 2 * g + 1] = -Math.expm1(-dt / gate.tau(v));
    });
  }
  cache.set(cacheKey, data);
  return data;
}

/** A tabulated scalar function of V (e.g. the NMDA Mg block), linear interpolation. */
export function scalarTable(key: string, fn: (v: number) => number, grid: VoltageGrid): Float64Array {
  const cacheKey = `scalar:${key}|${grid.vMin}|${grid.vMax}|${grid.step}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const n = gridPoints(grid);
  const data = new Float64Array(n);
  for (let j = 0; j < n; j++) data[j] = fn(grid.vMin + j * grid.step);
  cache.set(cacheKey, data);
  return data;
}
