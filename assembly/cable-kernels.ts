/**
 * WebAssembly kernels of the compartmental engine's substep loops (src/reference/cable), written in
 * AssemblyScript and compiled by `npm run build` (scripts/build-wasm.mjs) to dist/wasm/cable-kernels.wasm.
 *
 * Every kernel is the plain-JS loop of its mechanism, operation for operation and in the same order,
 * on the same arrays (views on this module's imported memory; arguments are byte offsets), so an
 * engine gives the same result to the bit with or without them. What the kernels cannot do the same
 * way (the exact rate functions, which call Math.exp, for a voltage off the rate tables' grid) they
 * leave to JS: such a kernel stops at that member and returns its index, JS handles the member and
 * calls the kernel again from the next one, so members are still processed in order.
 *
 * Table positions 0 ≤ pos < 2^31 are split into cell and fraction through i64 (`<i64>pos`), not i32:
 * V8 compiles the i32 truncation with a rounding instruction that merges into its destination
 * register, a false dependency that chains every iteration of a loop to the previous one (the NMDA
 * loop ran at half speed). For these positions both truncations give the same integer, so the
 * arithmetic is that of the JS loops (`pos | 0`).
 *
 * The gate updates read each gate's [x∞, a] pair from a table row as one 128-bit vector and
 * interpolate both in one f64x2 operation (WebAssembly SIMD, `--enable simd`): IEEE arithmetic lane by
 * lane, the same results as the scalar operations.
 *
 * Two lanes (an engine stepping two trials in lockstep, `lanes` = 2): node i of lane l is element
 * 2i + l of a per-node array and member k of lane l slot 2k + l of a per-member one, so the two lanes of
 * a node or member are one 128-bit vector. The kernels that take `lanes` then process the two lanes as
 * one f64x2 (the lanes share the node's parameters and table rows; only the state differs), each
 * lane's arithmetic that of the one-lane loop. What branches per value (a table cell, a voltage off
 * the grid, a synapse without conductance) is decided per lane: a pair whose lanes disagree goes
 * through the one-lane code slot by slot. With any other lane count the kernels run their one-lane
 * loops over the slots, which index node-lanes for any count. The one-slot helpers shared by both
 * loops are inlined at their call sites (`inline.always`), so a one-lane loop has no call per slot.
 */

import { LN2_HI, LN2_LO, naturalLog, SQRT2 } from './natural-log';

function f64At(base: usize, k: i32): f64 {
  return load<f64>(base + ((<usize>k) << 3));
}

function setF64(base: usize, k: i32, x: f64): void {
  store<f64>(base + ((<usize>k) << 3), x);
}

function i32At(base: usize, k: i32): i32 {
  return load<i32>(base + ((<usize>k) << 2));
}

function v128At(base: usize, k: i32): v128 {
  return v128.load(base + ((<usize>k) << 3));
}

function setV128(base: usize, k: i32, x: v128): void {
  v128.store(base + ((<usize>k) << 3), x);
}

/** power() in both lanes */
function power2(x: v128, p: i32): v128 {
  if (p == 1) return x;
  if (p == 2) return f64x2.mul(x, x);
  if (p == 3) return f64x2.mul(f64x2.mul(x, x), x);
  const x2 = f64x2.mul(x, x);
  return f64x2.mul(x2, x2);
}

/** Whether both lanes lie in [lo, hi) (false for NaN, as the scalar checks) */
function bothWithin(x: v128, lo: f64, hi: f64): bool {
  return i64x2.all_true(v128.and(f64x2.ge(x, f64x2.splat(lo)), f64x2.lt(x, f64x2.splat(hi))));
}

/**
 * The table cells of two positions 0 ≤ pos < 2^31 in lanes 0 and 1 of an i32x4: the same integers as
 * the scalar `<i64>pos` (truncation), so pos − cell is the scalar fraction.
 */
function cells2(pos: v128): v128 {
  return i32x4.trunc_sat_f64x2_s_zero(pos);
}

function fraction2(pos: v128, cells: v128): v128 {
  return f64x2.sub(pos, f64x2.convert_low_i32x4_s(cells));
}

/** Byte offset of lane l's table row */
function rowOf(table: usize, cells: v128, lane: i32, rowBytes: usize): usize {
  const c = <usize>(lane == 0 ? i32x4.extract_lane(cells, 0) : i32x4.extract_lane(cells, 1));
  return table + c * rowBytes;
}

/**
 * x ← x + a·(x∞ − x) for the gate pair at `at` (lanes 0 and 1), lane l's [x∞, a] interpolated in its
 * own row `row0`/`row1` (next row `rowBytes` further) with its fraction, then regrouped by lane
 */
function advanceGatePair(at: usize, row0: usize, row1: usize, rowBytes: usize, f: v128): void {
  const ia0 = interpolatePair(row0, rowBytes, v128.shuffle<f64>(f, f, 0, 0));
  const ia1 = interpolatePair(row1, rowBytes, v128.shuffle<f64>(f, f, 1, 1));
  const inf = v128.shuffle<f64>(ia0, ia1, 0, 2);
  const a = v128.shuffle<f64>(ia0, ia1, 1, 3);
  const x = v128.load(at);
  v128.store(at, f64x2.add(x, f64x2.mul(a, f64x2.sub(inf, x))));
}

/** A scalar table t at cells (lane 0, lane 1) and the next entries, interpolated per lane */
function interpolateScalar2(t: usize, cells: v128, f: v128): v128 {
  const j0 = i32x4.extract_lane(cells, 0);
  const j1 = i32x4.extract_lane(cells, 1);
  const lo = f64x2.replace_lane(f64x2.splat(f64At(t, j0)), 1, f64At(t, j1));
  const hi = f64x2.replace_lane(f64x2.splat(f64At(t, j0 + 1)), 1, f64At(t, j1 + 1));
  return f64x2.add(lo, f64x2.mul(f, f64x2.sub(hi, lo)));
}

/** x^p for the small whole exponents of the channels (the JS engine's power()); p in 1..4 */
function power(x: f64, p: i32): f64 {
  if (p == 1) return x;
  if (p == 2) return x * x;
  if (p == 3) return x * x * x;
  const x2 = x * x;
  return x2 * x2;
}

/**
 * cur = gLeak·(V − E_leak), slope = gLeak over every node-lane, two elements per vector (an
 * element-wise loop: the same for any lane count)
 */
export function leak(size: i32, v: usize, gLeak: usize, eLeak: usize, cur: usize, slope: usize): void {
  let i = 0;
  for (; i + 1 < size; i += 2) {
    const g = v128At(gLeak, i);
    setV128(cur, i, f64x2.mul(g, f64x2.sub(v128At(v, i), v128At(eLeak, i))));
    setV128(slope, i, g);
  }
  if (i < size) {
    const g = f64At(gLeak, i);
    setF64(cur, i, g * (f64At(v, i) - f64At(eLeak, i)));
    setF64(slope, i, g);
  }
}

/**
 * [x∞, a] of one gate at a voltage between two grid rows: the pair at `at`, the next row's pair
 * `rowBytes` further, blended by the fraction in both lanes: p + f·(p' − p) for x∞ and a at once, the
 * arithmetic of the JS loops lane by lane.
 */
function interpolatePair(at: usize, rowBytes: usize, fv: v128): v128 {
  const lo = v128.load(at);
  return f64x2.add(lo, f64x2.mul(fv, f64x2.sub(v128.load(at + rowBytes), lo)));
}

/** I[i] += g·(V − E), G[i] += g at node-lane i, both lanes of a node at once (`g` per lane) */
function addOhmic2(i: i32, g: v128, v: usize, e: usize, cur: usize, slope: usize): void {
  setV128(cur, i, f64x2.add(v128At(cur, i), f64x2.mul(g, f64x2.sub(v128At(v, i), v128At(e, i)))));
  setV128(slope, i, f64x2.add(v128At(slope, i), g));
}

/** A one-gate ohmic channel (or SK with p = 1): g = ḡA·x^p, I += g·(V − E), G += g */
export function channel1Current(
  count: i32,
  slots: usize,
  gA: usize,
  gate0: usize,
  p0: i32,
  v: usize,
  e: usize,
  cur: usize,
  slope: usize,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const g = f64x2.mul(v128At(gA, s), power2(v128At(gate0, s), p0));
      addOhmic2(i32At(slots, s), g, v, e, cur, slope);
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    const g = f64At(gA, s) * power(f64At(gate0, s), p0);
    setF64(cur, i, f64At(cur, i) + g * (f64At(v, i) - f64At(e, i)));
    setF64(slope, i, f64At(slope, i) + g);
  }
}

/** A two-gate ohmic channel: g = ḡA·(m^p0·h^p1) */
export function channel2Current(
  count: i32,
  slots: usize,
  gA: usize,
  gate0: usize,
  gate1: usize,
  p0: i32,
  p1: i32,
  v: usize,
  e: usize,
  cur: usize,
  slope: usize,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const o = f64x2.mul(power2(v128At(gate0, s), p0), power2(v128At(gate1, s), p1));
      addOhmic2(i32At(slots, s), f64x2.mul(v128At(gA, s), o), v, e, cur, slope);
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    const g = f64At(gA, s) * (power(f64At(gate0, s), p0) * power(f64At(gate1, s), p1));
    setF64(cur, i, f64At(cur, i) + g * (f64At(v, i) - f64At(e, i)));
    setF64(slope, i, f64At(slope, i) + g);
  }
}

/** Open fraction x^p (y = 0: one gate) or x^p·y^q of slot s, both lanes */
function openFraction2(x: usize, y: usize, p: i32, q: i32, s: i32): v128 {
  const o = power2(v128At(x, s), p);
  return y ? f64x2.mul(o, power2(v128At(y, s), q)) : o;
}

/** A Ca channel (one or two gates): also i_Ca += ḡ·o·(V − E_Ca), g_Ca += ḡ·o */
export function channelCaCurrent(
  count: i32,
  slots: usize,
  gA: usize,
  gbar: usize,
  gate0: usize,
  gate1: usize,
  twoGates: i32,
  p0: i32,
  p1: i32,
  v: usize,
  e: usize,
  cur: usize,
  slope: usize,
  iCa: usize,
  gCa: usize,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const i = i32At(slots, s);
      const o = inline.always(openFraction2(gate0, twoGates ? gate1 : 0, p0, p1, s));
      const drive = f64x2.sub(v128At(v, i), v128At(e, i));
      const g = f64x2.mul(v128At(gA, s), o);
      setV128(cur, i, f64x2.add(v128At(cur, i), f64x2.mul(g, drive)));
      setV128(slope, i, f64x2.add(v128At(slope, i), g));
      const gd = f64x2.mul(v128At(gbar, s), o);
      setV128(iCa, i, f64x2.add(v128At(iCa, i), f64x2.mul(gd, drive)));
      setV128(gCa, i, f64x2.add(v128At(gCa, i), gd));
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    const o = twoGates ? power(f64At(gate0, s), p0) * power(f64At(gate1, s), p1) : power(f64At(gate0, s), p0);
    const drive = f64At(v, i) - f64At(e, i);
    const g = f64At(gA, s) * o;
    setF64(cur, i, f64At(cur, i) + g * drive);
    setF64(slope, i, f64At(slope, i) + g);
    const gd = f64At(gbar, s) * o;
    setF64(iCa, i, f64At(iCa, i) + gd * drive);
    setF64(gCa, i, f64At(gCa, i) + gd);
  }
}

/**
 * Two channels on the same members, next to each other in the substep order (cable/channel-bundle.ts):
 * V, I and G of a member read once, the first channel's share added, then the second's, each as in
 * channel1Current (gate 1 offset 0) or channel2Current
 */
export function channelPairCurrent(
  count: i32,
  slots: usize,
  v: usize,
  cur: usize,
  slope: usize,
  gA0: usize,
  x0: usize,
  y0: usize,
  p0: i32,
  q0: i32,
  e0: usize,
  gA1: usize,
  x1: usize,
  y1: usize,
  p1: i32,
  q1: i32,
  e1: usize,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const i = i32At(slots, s);
      const vi = v128At(v, i);
      const g0 = f64x2.mul(v128At(gA0, s), inline.always(openFraction2(x0, y0, p0, q0, s)));
      const g1 = f64x2.mul(v128At(gA1, s), inline.always(openFraction2(x1, y1, p1, q1, s)));
      const c0 = f64x2.add(v128At(cur, i), f64x2.mul(g0, f64x2.sub(vi, v128At(e0, i))));
      setV128(cur, i, f64x2.add(c0, f64x2.mul(g1, f64x2.sub(vi, v128At(e1, i)))));
      setV128(slope, i, f64x2.add(f64x2.add(v128At(slope, i), g0), g1));
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    const vi = f64At(v, i);
    const o0 = y0 ? power(f64At(x0, s), p0) * power(f64At(y0, s), q0) : power(f64At(x0, s), p0);
    const o1 = y1 ? power(f64At(x1, s), p1) * power(f64At(y1, s), q1) : power(f64At(x1, s), p1);
    const g0 = f64At(gA0, s) * o0;
    const g1 = f64At(gA1, s) * o1;
    setF64(cur, i, f64At(cur, i) + g0 * (vi - f64At(e0, i)) + g1 * (vi - f64At(e1, i)));
    setF64(slope, i, f64At(slope, i) + g0 + g1);
  }
}

/** channelPairCurrent for two Ca channels, each also adding to i_Ca and g_Ca as in channelCaCurrent */
export function channelCaPairCurrent(
  count: i32,
  slots: usize,
  v: usize,
  cur: usize,
  slope: usize,
  iCa: usize,
  gCa: usize,
  e: usize,
  gA0: usize,
  gbar0: usize,
  x0: usize,
  y0: usize,
  p0: i32,
  q0: i32,
  gA1: usize,
  gbar1: usize,
  x1: usize,
  y1: usize,
  p1: i32,
  q1: i32,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const i = i32At(slots, s);
      const drive = f64x2.sub(v128At(v, i), v128At(e, i));
      const o0 = inline.always(openFraction2(x0, y0, p0, q0, s));
      const o1 = inline.always(openFraction2(x1, y1, p1, q1, s));
      const g0 = f64x2.mul(v128At(gA0, s), o0);
      const g1 = f64x2.mul(v128At(gA1, s), o1);
      const c0 = f64x2.add(v128At(cur, i), f64x2.mul(g0, drive));
      setV128(cur, i, f64x2.add(c0, f64x2.mul(g1, drive)));
      setV128(slope, i, f64x2.add(f64x2.add(v128At(slope, i), g0), g1));
      const gd0 = f64x2.mul(v128At(gbar0, s), o0);
      const gd1 = f64x2.mul(v128At(gbar1, s), o1);
      const ic0 = f64x2.add(v128At(iCa, i), f64x2.mul(gd0, drive));
      setV128(iCa, i, f64x2.add(ic0, f64x2.mul(gd1, drive)));
      setV128(gCa, i, f64x2.add(f64x2.add(v128At(gCa, i), gd0), gd1));
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    const drive = f64At(v, i) - f64At(e, i);
    const o0 = y0 ? power(f64At(x0, s), p0) * power(f64At(y0, s), q0) : power(f64At(x0, s), p0);
    const o1 = y1 ? power(f64At(x1, s), p1) * power(f64At(y1, s), q1) : power(f64At(x1, s), p1);
    const g0 = f64At(gA0, s) * o0;
    const g1 = f64At(gA1, s) * o1;
    setF64(cur, i, f64At(cur, i) + g0 * drive + g1 * drive);
    setF64(slope, i, f64At(slope, i) + g0 + g1);
    const gd0 = f64At(gbar0, s) * o0;
    const gd1 = f64At(gbar1, s) * o1;
    setF64(iCa, i, f64At(iCa, i) + gd0 * drive + gd1 * drive);
    setF64(gCa, i, f64At(gCa, i) + gd0 + gd1);
  }
}

/** The gates of slot s (as advanceGatesTwoLanes takes them) from its table row; false off the grid */
function advanceGateSlot(
  s: i32,
  slots: usize,
  v: usize,
  table: usize,
  rowBytes: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  gates: usize,
  nGates: i32,
  gate0: usize,
  gate1: usize,
): bool {
  const vs = f64At(v, i32At(slots, s));
  if (!(vs >= vMin && vs < vMax)) return false;
  const pos = (vs - vMin) * invStep;
  const cell = <i64>pos;
  const fv = f64x2.splat(pos - <f64>cell);
  const row = table + <usize>(<i32>cell) * rowBytes;
  const member = (<usize>s) << 3;
  for (let g = 0; g < nGates; g++) {
    const ia = interpolatePair(row + ((<usize>g) << 4), rowBytes, fv);
    const at = (gates ? <usize>i32At(gates, g) : g == 0 ? gate0 : gate1) + member;
    const x = load<f64>(at);
    store<f64>(at, x + f64x2.extract_lane(ia, 1) * (f64x2.extract_lane(ia, 0) - x));
  }
  return true;
}

/**
 * The two-lane loop of the gate updates: slots start..count-1 in pairs (a node's two lanes), each
 * pair's voltages placed on the grid in one vector and every gate advanced in both lanes
 * (advanceGatePair). A pair with a lane off the grid, or an odd start (resuming after JS handled lane
 * 0), goes slot by slot through advanceGateSlot. Returns the first slot off the grid, or count.
 */
function advanceGatesTwoLanes(
  start: i32,
  count: i32,
  slots: usize,
  v: usize,
  table: usize,
  rowBytes: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  gates: usize,
  nGates: i32,
  gate0: usize,
  gate1: usize,
): i32 {
  let s = start;
  if (s & 1) {
    if (
      !inline.always(
        advanceGateSlot(s, slots, v, table, rowBytes, vMin, vMax, invStep, gates, nGates, gate0, gate1),
      )
    )
      return s;
    s++;
  }
  for (; s < count; s += 2) {
    const vs = v128At(v, i32At(slots, s));
    if (!bothWithin(vs, vMin, vMax)) {
      if (
        !inline.always(
          advanceGateSlot(s, slots, v, table, rowBytes, vMin, vMax, invStep, gates, nGates, gate0, gate1),
        )
      )
        return s;
      if (
        !inline.always(
          advanceGateSlot(s + 1, slots, v, table, rowBytes, vMin, vMax, invStep, gates, nGates, gate0, gate1),
        )
      )
        return s + 1;
      continue;
    }
    const pos = f64x2.mul(f64x2.sub(vs, f64x2.splat(vMin)), f64x2.splat(invStep));
    const cells = cells2(pos);
    const f = fraction2(pos, cells);
    const row0 = rowOf(table, cells, 0, rowBytes);
    const row1 = rowOf(table, cells, 1, rowBytes);
    const member = (<usize>s) << 3;
    for (let g = 0; g < nGates; g++) {
      const column = (<usize>g) << 4;
      const at = (gates ? <usize>i32At(gates, g) : g == 0 ? gate0 : gate1) + member;
      advanceGatePair(at, row0 + column, row1 + column, rowBytes, f);
    }
  }
  return count;
}

/**
 * x ← x + a·(x∞ − x) for one gate from rows [x∞, a] of the table; stops at the first slot whose
 * voltage is off the grid and returns its index (count when done).
 */
export function channel1Advance(
  start: i32,
  count: i32,
  slots: usize,
  v: usize,
  table: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  gate0: usize,
  lanes: i32,
): i32 {
  if (lanes == 2) {
    return advanceGatesTwoLanes(start, count, slots, v, table, 16, vMin, vMax, invStep, 0, 1, gate0, 0);
  }
  for (let s = start; s < count; s++) {
    const vs = f64At(v, i32At(slots, s));
    if (!(vs >= vMin && vs < vMax)) return s;
    const pos = (vs - vMin) * invStep;
    const cell = <i64>pos;
    const ia = interpolatePair(table + ((<usize>(<i32>cell)) << 4), 16, f64x2.splat(pos - <f64>cell));
    const x = f64At(gate0, s);
    setF64(gate0, s, x + f64x2.extract_lane(ia, 1) * (f64x2.extract_lane(ia, 0) - x));
  }
  return count;
}

/** Both gates of a two-gate channel from rows [m∞, a_m, h∞, a_h] */
export function channel2Advance(
  start: i32,
  count: i32,
  slots: usize,
  v: usize,
  table: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  gate0: usize,
  gate1: usize,
  lanes: i32,
): i32 {
  if (lanes == 2) {
    return advanceGatesTwoLanes(start, count, slots, v, table, 32, vMin, vMax, invStep, 0, 2, gate0, gate1);
  }
  for (let s = start; s < count; s++) {
    const vs = f64At(v, i32At(slots, s));
    if (!(vs >= vMin && vs < vMax)) return s;
    const pos = (vs - vMin) * invStep;
    const cell = <i64>pos;
    const fv = f64x2.splat(pos - <f64>cell);
    const b = table + ((<usize>(<i32>cell)) << 5);
    const ia0 = interpolatePair(b, 32, fv);
    const ia1 = interpolatePair(b + 16, 32, fv);
    const x0 = f64At(gate0, s);
    const x1 = f64At(gate1, s);
    setF64(gate0, s, x0 + f64x2.extract_lane(ia0, 1) * (f64x2.extract_lane(ia0, 0) - x0));
    setF64(gate1, s, x1 + f64x2.extract_lane(ia1, 1) * (f64x2.extract_lane(ia1, 0) - x1));
  }
  return count;
}

/**
 * The gates of several channels on the same members (a bundle, cable/channel-bundle.ts), from one
 * merged table whose row holds [x∞, a] of every gate: the member's voltage is read and placed on the
 * grid once, then each gate advances as in channel1Advance. `gates` holds the byte offset of each
 * gate's state array, in table column order. Stops at the first slot off the grid.
 */
export function bundleAdvance(
  start: i32,
  count: i32,
  slots: usize,
  v: usize,
  table: usize,
  width: i32,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  gates: usize,
  nGates: i32,
  lanes: i32,
): i32 {
  const rowBytes = (<usize>width) << 3;
  if (lanes == 2) {
    return advanceGatesTwoLanes(
      start,
      count,
      slots,
      v,
      table,
      rowBytes,
      vMin,
      vMax,
      invStep,
      gates,
      nGates,
      0,
      0,
    );
  }
  for (let s = start; s < count; s++) {
    if (
      !inline.always(advanceGateSlot(s, slots, v, table, rowBytes, vMin, vMax, invStep, gates, nGates, 0, 0))
    )
      return s;
  }
  return count;
}

/** One SK slot (skAdvance); false when its [Ca]i is off the table */
function skSlot(
  s: i32,
  slots: usize,
  cai: usize,
  table: usize,
  limit: f64,
  invStep: f64,
  retain: f64,
  z: usize,
): bool {
  const pos = f64At(cai, i32At(slots, s)) * invStep;
  if (!(pos >= 0 && pos < limit)) return false;
  const cell = <i64>pos;
  const j = <i32>cell;
  const t = f64At(table, j);
  const zInf = t + (pos - <f64>cell) * (f64At(table, j + 1) - t);
  setF64(z, s, zInf + (f64At(z, s) - zInf) * retain);
  return true;
}

/** SK: z ← z∞ + (z − z∞)·retain with z∞([Ca]i) from its table; stops off the table */
export function skAdvance(
  start: i32,
  count: i32,
  slots: usize,
  cai: usize,
  table: usize,
  limit: f64,
  invStep: f64,
  retain: f64,
  z: usize,
  lanes: i32,
): i32 {
  let s = start;
  if (lanes == 2) {
    if (s & 1) {
      if (!inline.always(skSlot(s, slots, cai, table, limit, invStep, retain, z))) return s;
      s++;
    }
    for (; s < count; s += 2) {
      const pos = f64x2.mul(v128At(cai, i32At(slots, s)), f64x2.splat(invStep));
      if (!bothWithin(pos, 0, limit)) {
        if (!inline.always(skSlot(s, slots, cai, table, limit, invStep, retain, z))) return s;
        if (!inline.always(skSlot(s + 1, slots, cai, table, limit, invStep, retain, z))) return s + 1;
        continue;
      }
      const cells = cells2(pos);
      const zInf = interpolateScalar2(table, cells, fraction2(pos, cells));
      setV128(z, s, f64x2.add(zInf, f64x2.mul(f64x2.sub(v128At(z, s), zInf), f64x2.splat(retain))));
    }
    return count;
  }
  for (; s < count; s++)
    if (!inline.always(skSlot(s, slots, cai, table, limit, invStep, retain, z))) return s;
  return count;
}

const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/**
 * natural-log.ts naturalLog of both lanes at once, the same operations lane by lane; for two positive, normal,
 * finite lanes only (the caller checks with bothNormal and takes naturalLog otherwise).
 */
function naturalLog2(x: v128): v128 {
  const one = f64x2.splat(1);
  let k = i64x2.sub(i64x2.shr_u(x, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const high = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, high);
  k = i64x2.sub(k, high);
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const f = f64x2.sub(m, one);
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2), f));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const p01 = f64x2.add(f64x2.splat(0.6666666666666666), f64x2.mul(f64x2.splat(0.4), z));
  const p23 = f64x2.add(f64x2.splat(0.2857142857142857), f64x2.mul(f64x2.splat(0.2222222222222222), z));
  const p45 = f64x2.add(f64x2.splat(0.18181818181818182), f64x2.mul(f64x2.splat(0.15384615384615385), z));
  const p67 = f64x2.add(f64x2.splat(0.13333333333333333), f64x2.mul(f64x2.splat(0.11764705882352941), z));
  const inner = f64x2.add(
    f64x2.add(p45, f64x2.mul(z2, p67)),
    f64x2.mul(z4, f64x2.splat(0.10526315789473684)),
  );
  const t = f64x2.mul(z, f64x2.add(f64x2.add(p01, f64x2.mul(z2, p23)), f64x2.mul(z4, inner)));
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const corr = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, t)), f64x2.mul(dk, f64x2.splat(LN2_LO)));
  return f64x2.sub(f64x2.mul(dk, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, corr), f));
}

/** Whether both lanes are positive, normal and finite (naturalLog2's domain). */
function bothNormal(x: v128): bool {
  return i64x2.all_true(v128.and(f64x2.ge(x, f64x2.splat(MIN_NORMAL)), f64x2.lt(x, f64x2.splat(Infinity))));
}

/**
 * E_Ca = factor·ln([Ca]o/[Ca]i) in the shell nodes (mechanisms/ca-shell.ts nernstCa), two members at a
 * time in the lanes of a vector where both ratios are in naturalLog2's domain
 */
export function nernstCa(count: i32, slots: usize, cai: usize, eca: usize, factor: f64, caOut: f64): void {
  let s = 0;
  for (; s + 1 < count; s += 2) {
    const i0 = i32At(slots, s);
    const i1 = i32At(slots, s + 1);
    const c = f64x2.replace_lane(f64x2.splat(f64At(cai, i0)), 1, f64At(cai, i1));
    const x = f64x2.div(f64x2.splat(caOut), c);
    if (bothNormal(x)) {
      const e = f64x2.mul(f64x2.splat(factor), naturalLog2(x));
      setF64(eca, i0, f64x2.extract_lane(e, 0));
      setF64(eca, i1, f64x2.extract_lane(e, 1));
    } else {
      setF64(eca, i0, factor * naturalLog(f64x2.extract_lane(x, 0)));
      setF64(eca, i1, factor * naturalLog(f64x2.extract_lane(x, 1)));
    }
  }
  if (s < count) {
    const i = i32At(slots, s);
    setF64(eca, i, factor * naturalLog(caOut / f64At(cai, i)));
  }
}

/** i_Ca = g_Ca = 0 in the shell nodes, before the Ca channels add theirs */
export function caShellClear(count: i32, slots: usize, iCa: usize, gCa: usize, lanes: i32): void {
  if (lanes == 2) {
    const zero = f64x2.splat(0);
    for (let s = 0; s < count; s += 2) {
      const i = i32At(slots, s);
      setV128(iCa, i, zero);
      setV128(gCa, i, zero);
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    setF64(iCa, i, 0);
    setF64(gCa, i, 0);
  }
}

/** The exact shell step (mechanisms/ca-shell.ts caShellAdvance), i_Ca moved to the half step under CN */
export function caShellAdvance(
  count: i32,
  slots: usize,
  cai: usize,
  iCa: usize,
  gCa: usize,
  dv: usize,
  retain: usize,
  gain: usize,
  minCai: f64,
  halfStep: i32,
  lanes: i32,
): void {
  if (lanes == 2) {
    for (let s = 0; s < count; s += 2) {
      const i = i32At(slots, s);
      let ica = v128At(iCa, i);
      if (halfStep) {
        ica = f64x2.add(ica, f64x2.mul(v128At(gCa, i), v128At(dv, i)));
        setV128(iCa, i, ica);
      }
      const cInf = f64x2.sub(f64x2.splat(minCai), f64x2.mul(v128At(gain, s), ica));
      setV128(cai, i, f64x2.add(cInf, f64x2.mul(f64x2.sub(v128At(cai, i), cInf), v128At(retain, s))));
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const i = i32At(slots, s);
    if (halfStep) setF64(iCa, i, f64At(iCa, i) + f64At(gCa, i) * f64At(dv, i));
    const cInf = minCai - f64At(gain, s) * f64At(iCa, i);
    setF64(cai, i, cInf + (f64At(cai, i) - cInf) * f64At(retain, s));
  }
}

/**
 * AMPA or GABA_A: g = gmax·(B − A), skipped when 0. Two lanes: a lane without conductance keeps its
 * I and G as they are (selected per lane), as the skip does.
 */
export function synapseCurrent(
  count: i32,
  slots: usize,
  a: usize,
  b: usize,
  gmax: f64,
  e: f64,
  v: usize,
  cur: usize,
  slope: usize,
  lanes: i32,
): void {
  if (lanes == 2) {
    const gm = f64x2.splat(gmax);
    const zero = f64x2.splat(0);
    for (let s = 0; s < count; s += 2) {
      const g = f64x2.mul(gm, f64x2.sub(v128At(b, s), v128At(a, s)));
      const active = f64x2.ne(g, zero);
      if (!v128.any_true(active)) continue;
      const i = i32At(slots, s);
      const c = v128At(cur, i);
      const sl = v128At(slope, i);
      const added = f64x2.add(c, f64x2.mul(g, f64x2.sub(v128At(v, i), f64x2.splat(e))));
      setV128(cur, i, v128.bitselect(added, c, active));
      setV128(slope, i, v128.bitselect(f64x2.add(sl, g), sl, active));
    }
    return;
  }
  for (let s = 0; s < count; s++) {
    const g = gmax * (f64At(b, s) - f64At(a, s));
    if (g == 0) continue;
    const i = i32At(slots, s);
    setF64(cur, i, f64At(cur, i) + g * (f64At(v, i) - e));
    setF64(slope, i, f64At(slope, i) + g);
  }
}

/** One AMPA+NMDA slot (synapseNmdaCurrent); false when it conducts at a voltage off the grid */
function nmdaSlot(
  s: i32,
  slots: usize,
  a: usize,
  b: usize,
  an: usize,
  bn: usize,
  gmax: f64,
  e: f64,
  v: usize,
  cur: usize,
  slope: usize,
  table: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
): bool {
  const ga = gmax * (f64At(b, s) - f64At(a, s));
  const gn = gmax * (f64At(bn, s) - f64At(an, s));
  if (ga == 0 && gn == 0) return true;
  const i = i32At(slots, s);
  const vi = f64At(v, i);
  if (!(vi >= vMin && vi < vMax)) return false;
  const drive = vi - e;
  const pos = (vi - vMin) * invStep;
  const cell = <i64>pos;
  const j = <i32>cell;
  const t = f64At(table, j);
  const blk = t + (pos - <f64>cell) * (f64At(table, j + 1) - t);
  setF64(cur, i, f64At(cur, i) + (ga + gn * blk) * drive);
  setF64(slope, i, f64At(slope, i) + (ga + gn * (blk + 0.08 * blk * (1 - blk) * drive)));
  return true;
}

/**
 * AMPA+NMDA with the tabulated Mg block; stops at a slot whose voltage is off the grid. Two lanes: a
 * pair where both lanes conduct at voltages on the grid is one vector; a pair where neither conducts
 * is skipped; any other pair (or an odd start) goes slot by slot.
 */
export function synapseNmdaCurrent(
  start: i32,
  count: i32,
  slots: usize,
  a: usize,
  b: usize,
  an: usize,
  bn: usize,
  gmax: f64,
  e: f64,
  v: usize,
  cur: usize,
  slope: usize,
  table: usize,
  vMin: f64,
  vMax: f64,
  invStep: f64,
  lanes: i32,
): i32 {
  let s = start;
  if (lanes == 2) {
    if (s & 1) {
      if (
        !inline.always(nmdaSlot(s, slots, a, b, an, bn, gmax, e, v, cur, slope, table, vMin, vMax, invStep))
      )
        return s;
      s++;
    }
    const gm = f64x2.splat(gmax);
    const zero = f64x2.splat(0);
    const one = f64x2.splat(1);
    for (; s < count; s += 2) {
      const ga = f64x2.mul(gm, f64x2.sub(v128At(b, s), v128At(a, s)));
      const gn = f64x2.mul(gm, f64x2.sub(v128At(bn, s), v128At(an, s)));
      const active = v128.or(f64x2.ne(ga, zero), f64x2.ne(gn, zero));
      if (!v128.any_true(active)) continue;
      const i = i32At(slots, s);
      const vi = v128At(v, i);
      if (!i64x2.all_true(active) || !bothWithin(vi, vMin, vMax)) {
        if (
          !inline.always(nmdaSlot(s, slots, a, b, an, bn, gmax, e, v, cur, slope, table, vMin, vMax, invStep))
        )
          return s;
        if (
          !inline.always(
            nmdaSlot(s + 1, slots, a, b, an, bn, gmax, e, v, cur, slope, table, vMin, vMax, invStep),
          )
        )
          return s + 1;
        continue;
      }
      const drive = f64x2.sub(vi, f64x2.splat(e));
      const pos = f64x2.mul(f64x2.sub(vi, f64x2.splat(vMin)), f64x2.splat(invStep));
      const cells = cells2(pos);
      const blk = interpolateScalar2(table, cells, fraction2(pos, cells));
      setV128(cur, i, f64x2.add(v128At(cur, i), f64x2.mul(f64x2.add(ga, f64x2.mul(gn, blk)), drive)));
      const dBlk = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.splat(0.08), blk), f64x2.sub(one, blk)), drive);
      setV128(slope, i, f64x2.add(v128At(slope, i), f64x2.add(ga, f64x2.mul(gn, f64x2.add(blk, dBlk)))));
    }
    return count;
  }
  for (; s < count; s++) {
    if (!inline.always(nmdaSlot(s, slots, a, b, an, bn, gmax, e, v, cur, slope, table, vMin, vMax, invStep)))
      return s;
  }
  return count;
}

/**
 * Exact decay of a pair of synaptic states, values below flush set to 0 (no subnormals); two
 * elements per vector (element-wise: the same for any lane count)
 */
export function synapseDecay(size: i32, a: usize, b: usize, decayA: f64, decayB: f64, flush: f64): void {
  const da = f64x2.splat(decayA);
  const db = f64x2.splat(decayB);
  const fl = f64x2.splat(flush);
  let k = 0;
  for (; k + 1 < size; k += 2) {
    const x = f64x2.mul(v128At(a, k), da);
    const y = f64x2.mul(v128At(b, k), db);
    // x < flush ? 0 : x, per lane: the bits of x cleared where below
    setV128(a, k, v128.andnot(x, f64x2.lt(x, fl)));
    setV128(b, k, v128.andnot(y, f64x2.lt(y, fl)));
  }
  if (k < size) {
    const x = f64At(a, k) * decayA;
    const y = f64At(b, k) * decayB;
    setF64(a, k, x < flush ? 0 : x);
    setF64(b, k, y < flush ? 0 : y);
  }
}

/**
 * The tree solve of one lane (engine.ts solveOneLane), visiting the nodes in the given orders:
 * elimination children before parents, back-substitution parents before children.
 */
export function solveOneLane(
  n: i32,
  v: usize,
  cur: usize,
  slope: usize,
  diag: usize,
  dv: usize,
  parent: usize,
  gAxial: usize,
  cdt: usize,
  gAxialSum: usize,
  injection: usize,
  childStart: usize,
  childList: usize,
  eliminationOrder: usize,
  substitutionOrder: usize,
  vScale: f64,
): void {
  for (let k = 0; k < n; k++) {
    const i = i32At(eliminationOrder, k);
    const vi = f64At(v, i);
    let d = f64At(cdt, i) + f64At(slope, i) + f64At(gAxialSum, i);
    let r = f64At(injection, i) - f64At(cur, i);
    const first = i32At(childStart, i);
    const end = i32At(childStart, i + 1);
    if (end == first + 1) {
      // one child (most nodes: unbranched cable): the loops below without their loop
      const j = i32At(childList, first);
      const a = f64At(gAxial, j);
      r -= a * (vi - f64At(v, j));
      if (i > 0) r += f64At(gAxial, i) * (f64At(v, i32At(parent, i)) - vi);
      const q = a / f64At(diag, j);
      d -= a * q;
      r += q * f64At(dv, j);
      setF64(diag, i, d);
      setF64(dv, i, r);
      continue;
    }
    for (let c = first; c < end; c++) {
      const j = i32At(childList, c);
      r -= f64At(gAxial, j) * (vi - f64At(v, j));
    }
    if (i > 0) r += f64At(gAxial, i) * (f64At(v, i32At(parent, i)) - vi);
    for (let c = first; c < end; c++) {
      const j = i32At(childList, c);
      const a = f64At(gAxial, j);
      const q = a / f64At(diag, j);
      d -= a * q;
      r += q * f64At(dv, j);
    }
    setF64(diag, i, d);
    setF64(dv, i, r);
  }
  setF64(dv, 0, f64At(dv, 0) / f64At(diag, 0));
  setF64(v, 0, f64At(v, 0) + vScale * f64At(dv, 0));
  for (let k = 0; k < n - 1; k++) {
    const i = i32At(substitutionOrder, k);
    const x = (f64At(dv, i) + f64At(gAxial, i) * f64At(dv, i32At(parent, i))) / f64At(diag, i);
    setF64(dv, i, x);
    setF64(v, i, f64At(v, i) + vScale * x);
  }
}

/** (V_parent − V_i)/R_i of node i > 0 in both lanes */
function parentFlux2(i: i32, vi: v128, v: usize, parent: usize, gAxial: usize): v128 {
  return f64x2.mul(f64x2.splat(f64At(gAxial, i)), f64x2.sub(v128At(v, i32At(parent, i) << 1), vi));
}

/**
 * solveOneLane for two lanes in lockstep: node i's two lanes (elements 2i, 2i + 1 of the per-node-lane
 * arrays) as one vector, the node's parameters (C/dt, axial conductances) shared by both lanes
 */
export function solveTwoLanes(
  n: i32,
  v: usize,
  cur: usize,
  slope: usize,
  diag: usize,
  dv: usize,
  parent: usize,
  gAxial: usize,
  cdt: usize,
  gAxialSum: usize,
  injection: usize,
  childStart: usize,
  childList: usize,
  eliminationOrder: usize,
  substitutionOrder: usize,
  vScale: f64,
): void {
  for (let k = 0; k < n; k++) {
    const i = i32At(eliminationOrder, k);
    const at = i << 1;
    const vi = v128At(v, at);
    let d = f64x2.add(
      f64x2.add(f64x2.splat(f64At(cdt, i)), v128At(slope, at)),
      f64x2.splat(f64At(gAxialSum, i)),
    );
    let r = f64x2.sub(v128At(injection, at), v128At(cur, at));
    const first = i32At(childStart, i);
    const end = i32At(childStart, i + 1);
    if (end == first + 1) {
      const j = i32At(childList, first);
      const a = f64x2.splat(f64At(gAxial, j));
      r = f64x2.sub(r, f64x2.mul(a, f64x2.sub(vi, v128At(v, j << 1))));
      if (i > 0) r = f64x2.add(r, parentFlux2(i, vi, v, parent, gAxial));
      const q = f64x2.div(a, v128At(diag, j << 1));
      d = f64x2.sub(d, f64x2.mul(a, q));
      r = f64x2.add(r, f64x2.mul(q, v128At(dv, j << 1)));
      setV128(diag, at, d);
      setV128(dv, at, r);
      continue;
    }
    for (let c = first; c < end; c++) {
      const j = i32At(childList, c);
      r = f64x2.sub(r, f64x2.mul(f64x2.splat(f64At(gAxial, j)), f64x2.sub(vi, v128At(v, j << 1))));
    }
    if (i > 0) r = f64x2.add(r, parentFlux2(i, vi, v, parent, gAxial));
    for (let c = first; c < end; c++) {
      const j = i32At(childList, c);
      const a = f64x2.splat(f64At(gAxial, j));
      const q = f64x2.div(a, v128At(diag, j << 1));
      d = f64x2.sub(d, f64x2.mul(a, q));
      r = f64x2.add(r, f64x2.mul(q, v128At(dv, j << 1)));
    }
    setV128(diag, at, d);
    setV128(dv, at, r);
  }
  const scale = f64x2.splat(vScale);
  const root = f64x2.div(v128At(dv, 0), v128At(diag, 0));
  setV128(dv, 0, root);
  setV128(v, 0, f64x2.add(v128At(v, 0), f64x2.mul(scale, root)));
  for (let k = 0; k < n - 1; k++) {
    const i = i32At(substitutionOrder, k);
    const at = i << 1;
    const up = f64x2.mul(f64x2.splat(f64At(gAxial, i)), v128At(dv, i32At(parent, i) << 1));
    const x = f64x2.div(f64x2.add(v128At(dv, at), up), v128At(diag, at));
    setV128(dv, at, x);
    setV128(v, at, f64x2.add(v128At(v, at), f64x2.mul(scale, x)));
  }
}
