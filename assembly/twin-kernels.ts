/**
 * WebAssembly kernels of the twins' resident step (src/inference/kernels), written in AssemblyScript
 * and compiled by `npm run build` to dist/wasm/twin-kernels.wasm (SIMD enabled).
 *
 * A batch keeps every stream's state in this module's imported memory: slot b owns row b of every
 * array (of every position, in a time-major ring). Arguments are byte offsets into that memory;
 * all values are float32 except the slot clocks (u32 steps taken), the idle flags (u8) and the
 * input CSR (u32).
 *
 * State rings hold L rows (L a power of two, mask = L − 1): row (clock & mask) is the current bin,
 * so a step writes one row and reads its taps where they lie — its cost does not depend on how far
 * back a layer looks. u32 clocks wrap consistently because L divides 2^32. Rings are time-major:
 * slot b's row at position p lies at ring + (p·S + b)·rowBytes (S: the slots per position, the
 * batch's capacity), so the slots of one clock touch one position's rows in order. The synaptic
 * queue is the exception, slot-major (a slot's L rows together): a spike adds to k rows of one slot.
 *
 * A call steps every slot by T bins (a block; T = 1 for one bin): rows of the per-step arrays are
 * (slot, bin) pairs, row b·T + τ, and a slot's bins run in order, each layer over the whole block
 * before the next (the layers are causal, so a layer's bin τ needs only bins ≤ τ of the one below).
 * Rings are long enough for a block beyond their layer's look-back.
 */

const LINEAR = 0;
/** per slot of a partitioned depthwise layer: two u32 period tags and its u32 period offset */
const TAG_BYTES: usize = 12;
const RELU = 1;
const TANH = 2;
const SIGMOID = 3;

function f32At(base: usize, k: i32): f32 {
  return load<f32>(base + ((<usize>k) << 2));
}

function setF32(base: usize, k: i32, x: f32): void {
  store<f32>(base + ((<usize>k) << 2), x);
}

function u32At(base: usize, k: i32): u32 {
  return load<u32>(base + ((<usize>k) << 2));
}

function activate(x: f32, act: i32): f32 {
  if (act == RELU) return x > 0 ? x : 0;
  if (act == TANH) return <f32>Math.tanh(<f64>x);
  if (act == SIGMOID) return <f32>(1.0 / (1.0 + Math.exp(-(<f64>x))));
  return x;
}

/** y[0..n) = act(y[0..n)) in place (nothing to do for a linear layer) */
function activateRow(y: usize, n: i32, act: i32): void {
  if (act != LINEAR) for (let f = 0; f < n; f++) setF32(y, f, activate(f32At(y, f), act));
}

/** y[0..n) += x[0..n), four floats at a time */
function addRow(y: usize, x: usize, n: i32): void {
  let f = 0;
  for (; f + 4 <= n; f += 4) {
    const at = <usize>(f << 2);
    v128.store(y + at, f32x4.add(v128.load(y + at), v128.load(x + at)));
  }
  for (; f < n; f++) setF32(y, f, f32At(y, f) + f32At(x, f));
}

/** y[0..n) = bias[0..n) + q[0..n), then q[0..n) = 0, in one pass (a queue row taken) */
function takeRow(y: usize, bias: usize, q: usize, n: i32): void {
  let f = 0;
  for (; f + 4 <= n; f += 4) {
    const at = <usize>(f << 2);
    v128.store(y + at, f32x4.add(v128.load(bias + at), v128.load(q + at)));
    v128.store(q + at, f32x4.splat(0));
  }
  for (; f < n; f++) {
    setF32(y, f, f32At(bias, f) + f32At(q, f));
    setF32(q, f, 0);
  }
}

/**
 * The synaptic layer (a causal conv over the synapses, kernel k, F filters) as queues of future
 * outputs: a spike on synapse s adds table[s][lag][:] to the output due lag bins from now, so
 *   out[b][f] = act(bias[f] + queue[b][clock & mask][f]),
 * after which that row is cleared for the bin L ahead. With k = 1 there is no queue (L = 0).
 * Idle slots neither add nor take. Ids are distinct per slot (the caller dedupes).
 */
export function synapticStep(
  n: i32,
  T: i32,
  k: i32,
  F: i32,
  L: i32,
  table: usize,
  bias: usize,
  act: i32,
  offsets: usize,
  ids: usize,
  idle: usize,
  clock: usize,
  queue: usize,
  out: usize,
): void {
  const mask = <u32>(L - 1);
  const rowBytes = <usize>(F << 2);
  for (let b = 0; b < n; b++) {
    if (load<u8>(idle + <usize>b)) continue;
    // the queue is slot-major (a slot's L rows together): a spike's k lags are contiguous
    const q = queue + <usize>b * <usize>L * rowBytes;
    for (let tau = 0; tau < T; tau++) {
      const row = b * T + tau;
      const y = out + <usize>row * rowBytes;
      const from = <i32>u32At(offsets, row);
      const to = <i32>u32At(offsets, row + 1);
      if (L == 0) {
        memory.copy(y, bias, rowBytes);
        for (let j = from; j < to; j++) addRow(y, table + <usize>u32At(ids, j) * rowBytes, F);
      } else {
        const t = u32At(clock, b) + <u32>tau;
        // a synapse's k lags land on k consecutive rows of the ring: two contiguous runs at most
        const p = <i32>(t & mask);
        const first = min(k, L - p) * F;
        const rest = k * F - first;
        const head = q + <usize>p * rowBytes;
        for (let j = from; j < to; j++) {
          const taps = table + <usize>u32At(ids, j) * <usize>k * rowBytes;
          addRow(head, taps, first);
          if (rest > 0) addRow(q, taps + ((<usize>first) << 2), rest);
        }
        takeRow(y, bias, head, F);
      }
      activateRow(y, F, act);
    }
  }
}

/** ring[(clock + τ) & mask][b] = x[b·T + τ]: the block's input rows of a layer that looks back. */
export function ringPush(n: i32, T: i32, C: i32, L: i32, S: i32, clock: usize, x: usize, ring: usize): void {
  const mask = <u32>(L - 1);
  const rowBytes = <usize>(C << 2);
  const posBytes = <usize>S * rowBytes;
  for (let b = 0; b < n; b++) {
    const t = u32At(clock, b);
    const r = ring + <usize>b * rowBytes;
    for (let tau = 0; tau < T; tau++) {
      memory.copy(
        r + <usize>((t + <u32>tau) & mask) * posBytes,
        x + <usize>(b * T + tau) * rowBytes,
        rowBytes,
      );
    }
  }
}

/**
 * Depthwise causal conv on the ring of its input (kernel k, C channels, M kernels per channel):
 *   out[b·T + τ][c·M + m] = act(bias[c·M + m] + Σ_j ring[(clock + τ − (k−1−j)) & mask][b][c] · taps[j][m][c])
 * (taps rearranged by the caller to [k][M][C]). Four channels at a time, the sum over the k taps
 * held in a register; the ring rows of the taps are consecutive (mod L), oldest first. With M = 2,
 * twelve channels of a bin go together, and in blocks of bins four bins of a slot
 * (depthwiseFourBins); every output's sum is taken in the same order either way, so the results are
 * the same to the bit.
 */
export function depthwiseStep(
  n: i32,
  T: i32,
  k: i32,
  C: i32,
  M: i32,
  L: i32,
  S: i32,
  clock: usize,
  ring: usize,
  taps: usize,
  bias: usize,
  act: i32,
  out: usize,
): void {
  const mask = <u32>(L - 1);
  const rowBytes = <usize>(C << 2);
  const posBytes = <usize>S * rowBytes;
  const tapBytes = rowBytes * <usize>M;
  const width = C * M;
  // with M = 2, channels below C4 of bins τ < T4 of every slot go four bins at a time
  const C4 = M == 2 ? C & ~3 : 0;
  const T4 = T & ~3;
  if (C4 > 0 && T4 > 0) {
    for (let b = 0; b < n; b++) {
      const r = ring + <usize>b * rowBytes;
      for (let tau = 0; tau < T4; tau += 4) {
        const oldest = (u32At(clock, b) + <u32>tau - <u32>(k - 1)) & mask;
        const y = out + <usize>(b * T + tau) * <usize>(width << 2);
        depthwiseFourBins(k, C4, mask, rowBytes, posBytes, tapBytes, width, r, oldest, taps, bias, act, y);
      }
    }
  }
  for (let row = 0; row < n * T; row++) {
    const b = row / T;
    const oldest = <i32>((u32At(clock, b) + <u32>(row - b * T) - <u32>(k - 1)) & mask);
    // taps j < split sit at rows oldest + j, the others wrap to rows j − split
    const split = min(k, L - oldest);
    const r = ring + <usize>b * rowBytes;
    const y = out + <usize>row * <usize>(width << 2);
    let c0 = row - b * T < T4 ? C4 : 0;
    if (M == 2) {
      // both kernels of twelve channels from one load of the inputs: six sums, each waiting only
      // on its own adds (one group's two sums would wait on each other tap after tap)
      for (; c0 + 12 <= C; c0 += 12) {
        const at = <usize>(c0 << 2);
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let b0 = f32x4.splat(0);
        let b1 = f32x4.splat(0);
        let d0 = f32x4.splat(0);
        let d1 = f32x4.splat(0);
        let x = r + <usize>oldest * posBytes + at;
        let w = taps + at;
        for (let j = 0; j < k; j++) {
          if (j == split) x = r + at;
          const x0 = v128.load(x);
          const x1 = v128.load(x, 16);
          const x2 = v128.load(x, 32);
          const v = w + rowBytes;
          a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(w)));
          a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(v)));
          b0 = f32x4.add(b0, f32x4.mul(x1, v128.load(w, 16)));
          b1 = f32x4.add(b1, f32x4.mul(x1, v128.load(v, 16)));
          d0 = f32x4.add(d0, f32x4.mul(x2, v128.load(w, 32)));
          d1 = f32x4.add(d1, f32x4.mul(x2, v128.load(v, 32)));
          x += posBytes;
          w += tapBytes;
        }
        storePairs(y, bias, c0, a0, a1, act);
        storePairs(y, bias, c0 + 4, b0, b1, act);
        storePairs(y, bias, c0 + 8, d0, d1, act);
      }
    }
    for (let m = 0; m < M; m++) {
      const wm = taps + <usize>m * rowBytes;
      let c = c0;
      for (; c + 4 <= C; c += 4) {
        const at = <usize>(c << 2);
        let acc = f32x4.splat(0);
        let x = r + <usize>oldest * posBytes + at;
        let w = wm + at;
        for (let j = 0; j < k; j++) {
          if (j == split) x = r + at;
          acc = f32x4.add(acc, f32x4.mul(v128.load(x), v128.load(w)));
          x += posBytes;
          w += tapBytes;
        }
        storeLanes(y, bias, c, m, M, acc, act);
      }
      for (; c < C; c++) {
        let acc: f32 = 0;
        for (let j = 0; j < k; j++) {
          const row = (oldest + j) & (<i32>mask);
          acc += f32At(r + <usize>row * posBytes, c) * f32At(wm + <usize>j * tapBytes, c);
        }
        const o = c * M + m;
        setF32(y, o, activate(f32At(bias, o) + acc, act));
      }
    }
  }
}

/**
 * Four consecutive bins of one slot (bin τ + i reads ring rows oldest + i + j) and both kernels
 * (M = 2) of channels below C4, four channels at a time: each tap's two weight vectors are loaded
 * once for the four bins, and the window of four input rows slides by one row per tap.
 */
function depthwiseFourBins(
  k: i32,
  C4: i32,
  mask: u32,
  rowBytes: usize,
  posBytes: usize,
  tapBytes: usize,
  width: i32,
  r: usize,
  oldest: u32,
  taps: usize,
  bias: usize,
  act: i32,
  y: usize,
): void {
  const outBytes = <usize>(width << 2);
  for (let c0 = 0; c0 < C4; c0 += 4) {
    const at = r + <usize>(c0 << 2);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let d0 = f32x4.splat(0);
    let d1 = f32x4.splat(0);
    let e0 = f32x4.splat(0);
    let e1 = f32x4.splat(0);
    let x0 = v128.load(at + <usize>(oldest & mask) * posBytes);
    let x1 = v128.load(at + <usize>((oldest + 1) & mask) * posBytes);
    let x2 = v128.load(at + <usize>((oldest + 2) & mask) * posBytes);
    let w = taps + <usize>(c0 << 2);
    for (let j = 0; j < k; j++) {
      const x3 = v128.load(at + <usize>((oldest + <u32>j + 3) & mask) * posBytes);
      const w0 = v128.load(w);
      const w1 = v128.load(w + rowBytes);
      a0 = f32x4.add(a0, f32x4.mul(x0, w0));
      a1 = f32x4.add(a1, f32x4.mul(x0, w1));
      b0 = f32x4.add(b0, f32x4.mul(x1, w0));
      b1 = f32x4.add(b1, f32x4.mul(x1, w1));
      d0 = f32x4.add(d0, f32x4.mul(x2, w0));
      d1 = f32x4.add(d1, f32x4.mul(x2, w1));
      e0 = f32x4.add(e0, f32x4.mul(x3, w0));
      e1 = f32x4.add(e1, f32x4.mul(x3, w1));
      x0 = x1;
      x1 = x2;
      x2 = x3;
      w += tapBytes;
    }
    storePairs(y, bias, c0, a0, a1, act);
    storePairs(y + outBytes, bias, c0, b0, b1, act);
    storePairs(y + 2 * outBytes, bias, c0, d0, d1, act);
    storePairs(y + 3 * outBytes, bias, c0, e0, e1, act);
  }
}

/**
 * With M = 2: out[(c + i)·2 + m] = act(bias[..] + acc_m[i]) for the four lanes of acc0 and acc1,
 * interleaved by two shuffles into two vector stores (linear and relu in vector form)
 */
function storePairs(y: usize, bias: usize, c: i32, acc0: v128, acc1: v128, act: i32): void {
  const at = <usize>(c << 3);
  let lo = f32x4.add(v128.load(bias + at), v128.shuffle<f32>(acc0, acc1, 0, 4, 1, 5));
  let hi = f32x4.add(v128.load(bias + at, 16), v128.shuffle<f32>(acc0, acc1, 2, 6, 3, 7));
  if (act == RELU) {
    lo = f32x4.max(lo, f32x4.splat(0));
    hi = f32x4.max(hi, f32x4.splat(0));
  }
  v128.store(y + at, lo);
  v128.store(y + at, hi, 16);
  if (act != LINEAR && act != RELU) activateRow(y + at, 8, act);
}

/** out[(c + i)·M + m] = act(bias[..] + acc[i]) for the four lanes of acc */
function storeLanes(y: usize, bias: usize, c: i32, m: i32, M: i32, acc: v128, act: i32): void {
  let o = c * M + m;
  setF32(y, o, activate(f32At(bias, o) + f32x4.extract_lane(acc, 0), act));
  o += M;
  setF32(y, o, activate(f32At(bias, o) + f32x4.extract_lane(acc, 1), act));
  o += M;
  setF32(y, o, activate(f32At(bias, o) + f32x4.extract_lane(acc, 2), act));
  o += M;
  setF32(y, o, activate(f32At(bias, o) + f32x4.extract_lane(acc, 3), act));
}

/**
 * A depthwise layer's block as windows for a batched matrix product: for channel c and slot b, the
 * W = k − 1 + T ring rows from the oldest tap of the block's first bin to its bin T − 1 (T may
 * exceed the block: rows past it are stale ring rows, whose products the caller drops),
 *   A[c][b][w] = ring[(clock − (k−1) + w) & mask][b][c],   w < W,
 * so that A[c] · Toeplitz(taps of c) gives the channel's outputs of the whole block at once.
 */
export function depthwiseWindows(
  n: i32,
  T: i32,
  k: i32,
  C: i32,
  L: i32,
  S: i32,
  clock: usize,
  ring: usize,
  A: usize,
): void {
  const rowBytes = <usize>(C << 2);
  const posBytes = <usize>S * rowBytes;
  const W = k - 1 + T;
  const channelBytes = <usize>n * <usize>(W << 2);
  for (let b = 0; b < n; b++) {
    const r = ring + <usize>b * rowBytes;
    const start = u32At(clock, b) - <u32>(k - 1);
    windowOf(r, start, W, C, L, posBytes, A + <usize>b * <usize>(W << 2), channelBytes);
  }
}

/**
 * One window: out[c·channelBytes/4 + w] = r[((start + w) & (L − 1)) · posBytes][c] for w < W, four
 * rows by four channels at a time, transposed in registers.
 */
function windowOf(
  r: usize,
  start: u32,
  W: i32,
  C: i32,
  L: i32,
  posBytes: usize,
  out: usize,
  channelBytes: usize,
): void {
  const mask = <u32>(L - 1);
  const C4 = C & ~3;
  const W4 = W & ~3;
  for (let w = 0; w < W4; w += 4) {
    const r0 = r + <usize>((start + <u32>w) & mask) * posBytes;
    const r1 = r + <usize>((start + <u32>w + 1) & mask) * posBytes;
    const r2 = r + <usize>((start + <u32>w + 2) & mask) * posBytes;
    const r3 = r + <usize>((start + <u32>w + 3) & mask) * posBytes;
    let o = out + ((<usize>w) << 2);
    for (let c = 0; c < C4; c += 4) {
      const at = <usize>(c << 2);
      const v0 = v128.load(r0 + at);
      const v1 = v128.load(r1 + at);
      const v2 = v128.load(r2 + at);
      const v3 = v128.load(r3 + at);
      const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
      v128.store(o, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(o + channelBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(o + 2 * channelBytes, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(o + 3 * channelBytes, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      o += 4 * channelBytes;
    }
    for (let c = C4; c < C; c++) {
      const oc = out + <usize>c * channelBytes + ((<usize>w) << 2);
      store<f32>(oc, f32At(r0, c));
      store<f32>(oc + 4, f32At(r1, c));
      store<f32>(oc + 8, f32At(r2, c));
      store<f32>(oc + 12, f32At(r3, c));
    }
  }
  for (let w = W4; w < W; w++) {
    const row = r + <usize>((start + <u32>w) & mask) * posBytes;
    const o = out + ((<usize>w) << 2);
    for (let c = 0; c < C; c++) store<f32>(o + <usize>c * channelBytes, f32At(row, c));
  }
}

/**
 * A partitioned depthwise layer (bins stepped a few at a time): the taps that look P or more bins
 * back are summed once per period of P bins, into a per-slot ring Q of 2P rows (two periods), and
 * each bin adds its period's row to the sum of its P most recent taps. Slot b's periods are
 * staggered by its own offset o (tags[b][2], in [0, P)), so that slots on one clock do not all
 * enter a period at the same step: bin t of the slot is bin (t + o) mod P of period
 * ⌊(t + o) / P⌋, and its Q row is at position (t + o) mod 2P. tags[b][q & 1] = q + 1 says that
 * slot b's Q holds period q. This lists (slot, period) for every period a block of the non-idle
 * slots reaches that Q does not hold yet, and marks them held (the caller fills them before the
 * bins are summed); it returns the count. An idle slot's ring rows from its clock on are not its
 * input, so it is left for when it steps.
 */
export function depthwisePeriodsDue(
  n: i32,
  T: i32,
  P: i32,
  clock: usize,
  idle: usize,
  tags: usize,
  list: usize,
): i32 {
  let count = 0;
  for (let b = 0; b < n; b++) {
    if (load<u8>(idle + <usize>b)) continue;
    const slotTags = tags + <usize>b * TAG_BYTES;
    const t = u32At(clock, b) + load<u32>(slotTags + 8);
    const first = t / <u32>P;
    const last = (t + <u32>(T - 1)) / <u32>P;
    for (let q = first; q <= last; q++) {
      const tag = slotTags + ((<usize>(q & 1)) << 2);
      if (load<u32>(tag) == q + 1) continue;
      store<u32>(tag, q + 1);
      const e = list + ((<usize>count) << 3);
      store<u32>(e, <u32>b);
      store<u32>(e + 4, q);
      count++;
    }
  }
  return count;
}

/** The windows of the listed periods: the k − 1 ring rows before period q's first bin, q·P − o. */
export function depthwisePeriodWindows(
  count: i32,
  list: usize,
  k: i32,
  C: i32,
  L: i32,
  S: i32,
  P: i32,
  tags: usize,
  ring: usize,
  A: usize,
): void {
  const rowBytes = <usize>(C << 2);
  const posBytes = <usize>S * rowBytes;
  const W = k - 1;
  const channelBytes = <usize>count * <usize>(W << 2);
  for (let e = 0; e < count; e++) {
    const b = load<u32>(list + ((<usize>e) << 3));
    const q = load<u32>(list + ((<usize>e) << 3) + 4);
    const r = ring + <usize>b * rowBytes;
    const start = q * <u32>P - load<u32>(tags + <usize>b * TAG_BYTES + 8) - <u32>W;
    windowOf(r, start, W, C, L, posBytes, A + <usize>e * <usize>(W << 2), channelBytes);
  }
}

/**
 * The listed periods' products into their slots' Q (a ring of 2P positions): Q[(q·P + i) & (2P − 1)][b][c·M + m] =
 * Z[c][e][i·M + m] (`zeros`: C·M zero floats, for the rows' missing bias).
 */
export function depthwisePeriodRows(
  count: i32,
  list: usize,
  P: i32,
  C: i32,
  M: i32,
  S: i32,
  Z: usize,
  zeros: usize,
  Q: usize,
): void {
  const rowBytes = (<usize>(C * M)) << 2;
  const posBytes = <usize>S * rowBytes;
  const zRowBytes = (<usize>(P * M)) << 2;
  const channelBytes = <usize>count * zRowBytes;
  for (let e = 0; e < count; e++) {
    const b = load<u32>(list + ((<usize>e) << 3));
    const q = load<u32>(list + ((<usize>e) << 3) + 4);
    const y = Q + <usize>b * rowBytes + <usize>((q & 1) * <u32>P) * posBytes;
    productRows(Z + <usize>e * zRowBytes, channelBytes, P, C, M, zeros, LINEAR, y, posBytes);
  }
}

/** out[b·T + τ][:] = act(out[b·T + τ][:] + Q[(clock + o + τ) & (2P − 1)][b][:]): the bins' period sums added. */
export function depthwiseAddPeriod(
  n: i32,
  T: i32,
  width: i32,
  P: i32,
  S: i32,
  clock: usize,
  tags: usize,
  Q: usize,
  act: i32,
  out: usize,
): void {
  const rowBytes = <usize>(width << 2);
  const posBytes = <usize>S * rowBytes;
  const mask = <u32>(2 * P - 1);
  for (let b = 0; b < n; b++) {
    const t = u32At(clock, b) + load<u32>(tags + <usize>b * TAG_BYTES + 8);
    const q = Q + <usize>b * rowBytes;
    for (let tau = 0; tau < T; tau++) {
      const y = out + <usize>(b * T + tau) * rowBytes;
      addRow(y, q + <usize>((t + <u32>tau) & mask) * posBytes, width);
      activateRow(y, width, act);
    }
  }
}

/**
 * The batched product's outputs back in rows, the block's first T of the TZ bins of each product
 * row: out[b·T + τ][c·M + m] = act(bias[c·M + m] + Z[c][b][τ·M + m]), Z rows TZ·M floats. With
 * M = 2, two channels by two bins at a time (one shuffle per row).
 */
export function depthwiseRows(
  n: i32,
  T: i32,
  TZ: i32,
  C: i32,
  M: i32,
  Z: usize,
  bias: usize,
  act: i32,
  out: usize,
): void {
  const rowBytes = (<usize>(C * M)) << 2;
  const zRowBytes = (<usize>(TZ * M)) << 2;
  const channelBytes = <usize>n * zRowBytes;
  for (let b = 0; b < n; b++) {
    productRows(
      Z + <usize>b * zRowBytes,
      channelBytes,
      T,
      C,
      M,
      bias,
      act,
      out + <usize>(b * T) * rowBytes,
      rowBytes,
    );
  }
}

/**
 * y[τ][c·M + m] = act(bias[c·M + m] + z[c·channelBytes/4 + τ·M + m]) for τ < T, row τ of y at
 * y + τ·yStride: one entry of a Toeplitz product back in rows. With M = 2, two channels by two bins
 * at a time.
 */
function productRows(
  z: usize,
  channelBytes: usize,
  T: i32,
  C: i32,
  M: i32,
  bias: usize,
  act: i32,
  y: usize,
  yStride: usize,
): void {
  const pairs = M == 2 && (act == LINEAR || act == RELU) ? C & ~1 : 0;
  const T2 = T & ~1;
  const zero = f32x4.splat(0);
  for (let c = 0; c < pairs; c += 2) {
    const za = z + <usize>c * channelBytes;
    const zc = za + channelBytes;
    const bv = v128.load(bias + ((<usize>(c * 2)) << 2));
    let yo = y + ((<usize>(c * 2)) << 2);
    for (let tau = 0; tau < T2; tau += 2) {
      const at = (<usize>(tau * 2)) << 2;
      const va = v128.load(za + at);
      const vc = v128.load(zc + at);
      let r0 = f32x4.add(bv, v128.shuffle<f32>(va, vc, 0, 1, 4, 5));
      let r1 = f32x4.add(bv, v128.shuffle<f32>(va, vc, 2, 3, 6, 7));
      if (act == RELU) {
        r0 = f32x4.max(r0, zero);
        r1 = f32x4.max(r1, zero);
      }
      v128.store(yo, r0);
      v128.store(yo + yStride, r1);
      yo += 2 * yStride;
    }
  }
  for (let tau = 0; tau < T; tau++) {
    const yt = y + <usize>tau * yStride;
    for (let c = tau < T2 ? pairs : 0; c < C; c++) {
      const zc = z + <usize>c * channelBytes;
      for (let m = 0; m < M; m++) {
        const o = c * M + m;
        setF32(yt, o, activate(f32At(bias, o) + f32At(zc, tau * M + m), act));
      }
    }
  }
}

/**
 * The taps of a dilated causal conv (kernel k, C channels, dilation d) as one row per (slot, bin):
 *   panel[b·T + τ][j·C + c] = ring[(clock + τ − (k−1−j)·d) & mask][b][c]   (tap k−1: bin τ itself)
 */
export function gatherTaps(
  n: i32,
  T: i32,
  k: i32,
  C: i32,
  d: i32,
  L: i32,
  S: i32,
  clock: usize,
  ring: usize,
  panel: usize,
): void {
  const mask = <u32>(L - 1);
  const rowBytes = <usize>(C << 2);
  const posBytes = <usize>S * rowBytes;
  for (let row = 0; row < n * T; row++) {
    const b = row / T;
    const t = u32At(clock, b) + <u32>(row - b * T);
    const r = ring + <usize>b * rowBytes;
    const p = panel + <usize>row * <usize>k * rowBytes;
    for (let j = 0; j < k; j++) {
      memory.copy(
        p + <usize>j * rowBytes,
        r + <usize>((t - <u32>((k - 1 - j) * d)) & mask) * posBytes,
        rowBytes,
      );
    }
  }
}

/** y[b][:] = act(bias + x[b][:] · w) with w [K][F] row-major: the small-batch dense layer. */
export function dense(n: i32, K: i32, F: i32, x: usize, w: usize, bias: usize, act: i32, y: usize): void {
  const rowBytes = <usize>(F << 2);
  for (let b = 0; b < n; b++) {
    const yb = y + <usize>b * rowBytes;
    const xb = x + <usize>b * <usize>(K << 2);
    memory.copy(yb, bias, rowBytes);
    for (let i = 0; i < K; i++) {
      const xi = f32At(xb, i);
      if (xi == 0) continue;
      const s = f32x4.splat(xi);
      const wi = w + <usize>i * rowBytes;
      let f = 0;
      for (; f + 4 <= F; f += 4) {
        const at = <usize>(f << 2);
        v128.store(yb + at, f32x4.add(v128.load(yb + at), f32x4.mul(s, v128.load(wi + at))));
      }
      for (; f < F; f++) setF32(yb, f, f32At(yb, f) + xi * f32At(wi, f));
    }
    activateRow(yb, F, act);
  }
}

/** The two heads on the last hidden row: prob = σ(h·ws + bs), volt = h·wv + bv (mV). */
export function heads(
  n: i32,
  H: i32,
  h: usize,
  ws: usize,
  bs: f32,
  wv: usize,
  bv: f32,
  prob: usize,
  volt: usize,
): void {
  for (let b = 0; b < n; b++) {
    const hb = h + <usize>b * <usize>(H << 2);
    let s: f32 = bs;
    let v: f32 = bv;
    for (let i = 0; i < H; i++) {
      const x = f32At(hb, i);
      s += x * f32At(ws, i);
      v += x * f32At(wv, i);
    }
    setF32(prob, b, activate(s, SIGMOID));
    setF32(volt, b, v);
  }
}

/**
 * One slot's rows of a ring (position 0 at r, position p at r + p·posBytes) turned by `shift`
 * positions, the row at p moving to (p + shift) & mask (`spare`: room for the slot's L rows).
 */
export function ringRotate(r: usize, posBytes: usize, L: i32, rowBytes: i32, shift: u32, spare: usize): void {
  const row = <usize>rowBytes;
  const mask = <u32>(L - 1);
  if (posBytes == row) {
    // a slot-major ring: its L rows are one run, turned by two copies
    const all = <usize>L * row;
    const head = <usize>(shift & mask) * row;
    memory.copy(spare, r, all);
    memory.copy(r + head, spare, all - head);
    memory.copy(r, spare + all - head, head);
    return;
  }
  for (let p = 0; p < L; p++) memory.copy(spare + <usize>p * row, r + <usize>p * posBytes, row);
  for (let p = 0; p < L; p++)
    memory.copy(r + <usize>p * posBytes, spare + <usize>((<u32>p - shift) & mask) * row, row);
}

/** clock[b] += T for the slots that stepped. */
export function advance(n: i32, T: i32, clock: usize, idle: usize): void {
  for (let b = 0; b < n; b++) {
    if (load<u8>(idle + <usize>b)) continue;
    const at = clock + ((<usize>b) << 2);
    store<u32>(at, load<u32>(at) + <u32>T);
  }
}

/** First byte after the module's static data (the math functions' tables): arrays start above it. */
export function heapBase(): usize {
  return __heap_base;
}
