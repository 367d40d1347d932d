/**
 * In-place iterative radix-2 complex FFT on split real/imaginary Float64Arrays. Twiddles and the
 * bit-reversal permutation are precomputed once per size, so transforms allocate nothing.
 */
export class ComplexFft {
  readonly size: number;
  /** twiddles of every stage laid out contiguously: stage of length L starts at L/2 − 1 */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two >= 2, got ${String(size)}`);
    }
    this.size = size;
    this.twRe = new Float64Array(size);
    this.twIm = new Float64Array(size);
    for (let len = 2; len <= size; len <<= 1) {
      const half = len >>> 1;
      for (let k = 0; k < half; k++) {
        // e^{−2πi k/len}, taken from the size-N circle so every stage uses identical values
        const angle = (-2 * Math.PI * k * (size / len)) / size;
        this.twRe[half - 1 + k] = Math.cos(angle);
        this.twIm[half - 1 + k] = Math.sin(angle);
      }
    }
    const bits = Math.log2(size);
    this.reversed = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>>= 1) r = (r << 1) | (x & 1);
      this.reversed[i] = r;
    }
  }

  /** X[k] = Σ_j x[j]·e^{−2πi jk/N}. */
  forward(re: Float64Array, im: Float64Array): void {
    this.transform(re, im);
  }

  /** x[j] = (1/N) Σ_k X[k]·e^{+2πi jk/N}, computed as conj(FFT(conj(X)))/N. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    for (let i = 0; i < n; i++) im[i] = -im[i];
    this.transform(re, im);
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= scale;
      im[i] *= -scale;
    }
  }

  private transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    if (re.length < n || im.length < n) throw new RangeError(`FFT buffers shorter than ${n}`);
    const rev = this.reversed;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    // first stage: twiddle 1
    for (let a = 0; a < n; a += 2) {
      const br = re[a + 1];
      const bi = im[a + 1];
      re[a + 1] = re[a] - br;
      im[a + 1] = im[a] - bi;
      re[a] += br;
      im[a] += bi;
    }
    const twRe = this.twRe;
    const twIm = this.twIm;
    for (let len = 4; len <= n; len <<= 1) {
      const half = len >>> 1;
      const base = half - 1;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = twRe[base + k];
          const wi = twIm[base + k];
          const a = start + k;
          const b = a + half;
          const br = re[b];
          const bi = im[b];
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** Smallest power of two >= n. */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
