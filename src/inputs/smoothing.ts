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
    const size = nextPowerOfTwo(length + window.length - 1 - this.offset);
    this.fft = new ComplexFft(size);
    this.kernelRe = new Float64Array(size);
    this.kernelIm = new Float64Array(size);
    this.kernelRe.set(window);
    this.fft.forward(this.kernelRe, this.kernelIm);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
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
