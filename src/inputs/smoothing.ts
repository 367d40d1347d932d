import { ComplexFft, nextPowerOfTwo } from './fft.js';

/**
 * Gaussian smoothing of rate profiles (spec §8.4): a normalised window of W = 1 + 7σ samples,
 * g[n] ∝ exp(−½((n − (W−1)/2)/σ)²), applied as a same-size linear convolution with zero padding:
 * ŷ[t] = Σ_n g[n]·x[t − n + c], c = ⌊(W−1)/2⌋, x = 0 outside [0, T).
 */
export function gaussianWindow(sigma: number): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new RangeError(`smoothing sigma must be > 0, got ${sigma}`);
  const width = 1 + Math.floor(7 * sigma);
  const centre = (width - 1) / 2;
  const g = new Float64Array(width);
  let sum = 0;
  for (let n = 0; n < width; n++) {
    const z = (n - centre) / sigma;
    g[n] = Math.exp(-0.5 * z * z);
    sum += g[n];
  }
  for (let n = 0; n < width; n++) g[n] /= sum;
  return g;
}

/** Direct O(T·W) same-size convolution: the definition, used as the test oracle. */
export function convolveSameDirect(x: ArrayLike<number>, g: ArrayLike<number>): Float64Array {
  const length = x.length;
  const c = Math.floor((g.length - 1) / 2);
  const y = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    let acc = 0;
    for (let n = 0; n < g.length; n++) {
      const i = t - n + c;
      if (i >= 0 && i < length) acc += g[n] * x[i];
    }
    y[t] = acc;
  }
  return y;
}

/**
 * Same-size convolution of many length-T rows with one window, by FFT. Two real rows travel in
 * one complex transform (real and imaginary parts), since the window is real. Buffers are reused.
 */
export class SameSizeSmoother {
  readonly length: number;
  private readonly offset: number;
  private readonly fft: ComplexFft;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(length: number, window: Float64Array) {
    if (!Number.isInteger(length) || length <= 0)
      throw new RangeError(`row length must be a positive integer`);
    this.length = length;
    this.offset = Math.floor((window.length - 1) / 2);
    // The full linear convolution has T + W − 1 samples and we keep those from c to c + T − 1.
    // Circular wrap-around of a size-N transform only corrupts samples below T + W − 1 − N, so
    // N >= T + W − 1 − c is enough (about T + W/2 instead of T + W).
    // The transform must also hold the whole window (a window longer than the row happens for short rows).
    const size = nextPowerOfTwo(Math.max(length + window.length - 1 - this.offset, window.length));
    this.fft = new ComplexFft(size);
    this.kernelRe = new Float64Array(size);
    this.kernelIm = new Float64Array(size);
    this.kernelRe.set(window);
    this.fft.forward(this.kernelRe, this.kernelIm);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
  }

  /** Estimated work per row: two FFTs of size N shared by two rows, in inner-loop units. */
  static cost(length: number, windowLength: number): number {
    const size = nextPowerOfTwo(length + windowLength - 1 - Math.floor((windowLength - 1) / 2));
    // measured: one butterfly costs about 5 inner-loop steps of StepSmoother
    return 5 * (size / 2) * Math.log2(size);
  }

  /**
   * Smooth rows `a` and `b` (length T each; `b` may be null) into `outA` / `outB`. Results are
   * clamped at 0: they are rates, and FFT round-off can dip a hair below zero.
   */
  smoothPair(a: Float64Array, b: Float64Array | null, outA: Float64Array, outB: Float64Array | null): void {
    const { re, im, length } = this;
    re.fill(0);
    im.fill(0);
    re.set(a.subarray(0, length));
    if (b) im.set(b.subarray(0, length));
    this.fft.forward(re, im);
    const kr = this.kernelRe;
    const ki = this.kernelIm;
    for (let k = 0; k < re.length; k++) {
      const xr = re[k];
      const xi = im[k];
      re[k] = xr * kr[k] - xi * ki[k];
      im[k] = xr * ki[k] + xi * kr[k];
    }
    this.fft.inverse(re, im);
    const c = this.offset;
    for (let t = 0; t < length; t++) {
      const ya = re[t + c];
      outA[t] = ya > 0 ? ya : 0;
    }
    if (b && outB) {
      for (let t = 0; t < length; t++) {
        const yb = im[t + c];
        outB[t] = yb > 0 ? yb : 0;
      }
    }
  }
}

/**
 * Same-size Gaussian smoothing of a step function: x[i] = rates[⌊i/H⌋] on [0, T), 0 outside.
 * Writing x as a sum of steps Δ_j at boundaries b_j (b_j = jH for each interval start, plus the
 * drop to 0 at T) gives ŷ[t] = Σ_j Δ_j·C[t + c − b_j], with C the cumulative window (C[x] = 0
 * for x < 0, = 1 for x >= W−1). Boundaries with t + c − b_j >= W−1 add up to x[t + c − W + 1], so
 * only the boundaries inside the window cost work: O(T·(W/H + 1)) per row, far below an FFT when
 * the hold interval is long compared with the window.
 */
export class StepSmoother {
  readonly length: number;
  readonly holdMs: number;
  private readonly cumulative: Float64Array;
  private readonly width: number;
  private readonly offset: number;
  private readonly nIntervals: number;
  /** Δ_j of the current row: boundary j at jH for j < M, boundary M at T */
  private readonly steps: Float64Array;
  private readonly boundaries: Int32Array;

  constructor(length: number, window: Float64Array, holdMs: number) {
    if (!Number.isInteger(holdMs) || holdMs < 1)
      throw new RangeError(`hold interval must be a positive integer, got ${holdMs}`);
    this.length = length;
    this.holdMs = holdMs;
    this.width = window.length;
    this.offset = Math.floor((window.length - 1) / 2);
    this.cumulative = new Float64Array(window.length);
    let sum = 0;
    for (let n = 0; n < window.length; n++) this.cumulative[n] = sum += window[n];
    this.nIntervals = Math.ceil(length / holdMs);
    this.steps = new Float64Array(this.nIntervals + 1);
    this.boundaries = new Int32Array(this.nIntervals + 1);
    for (let j = 0; j < this.nIntervals; j++) this.boundaries[j] = j * holdMs;
    this.boundaries[this.nIntervals] = length;
  }

  /** Estimated inner-loop work per row (boundaries inside the window, times T). */
  static cost(length: number, windowLength: number, holdMs: number): number {
    return length * (Math.ceil(windowLength / holdMs) + 1);
  }

  smooth(rates: Float64Array, out: Float64Array): void {
    const M = this.nIntervals;
    const T = this.length;
    const H = this.holdMs;
    const steps = this.steps;
    const bounds = this.boundaries;
    const C = this.cumulative;
    const reach = this.width - 1;
    let previous = 0;
    for (let j = 0; j < M; j++) {
      steps[j] = rates[j] - previous;
      previous = rates[j];
    }
    steps[M] = -previous;
    // boundaries j with lo <= j < hi lie inside the window of the current t
    let lo = 0;
    let hi = 0;
    for (let t = 0; t < T; t++) {
      const x = t + this.offset;
      while (hi <= M && bounds[hi] <= x) hi++;
      while (lo < hi && x - bounds[lo] >= reach) lo++;
      // fully covered boundaries: the step function at x − (W−1)
      const back = x - reach;
      let y = back >= 0 && back < T ? rates[(back / H) | 0] : 0;
      for (let j = lo; j < hi; j++) y += steps[j] * C[x - bounds[j]];
      out[t] = y > 0 ? y : 0;
    }
  }
}
