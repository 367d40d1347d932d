/**
 * The one seeded random number generator of the project (input patterns, trial seeds, surrogate
 * initialisation and training windows): xoshiro128** (Blackman & Vigna) with its 128-bit state filled
 * by splitmix32 from a 32-bit seed. Pure 32-bit integer arithmetic (Math.imul, >>>), so a seed gives
 * the same stream on every machine and Node version. The full state can be saved and restored, so a
 * training run resumed from a checkpoint draws what it would have drawn.
 */

/** One splitmix32 output for state `x`; also used to hash seeds. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Throws unless `seed` is an integer in [0, 2^32). */
export function checkSeed(seed: number, what = 'seed'): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${what} must be an integer in [0, 4294967295], got ${String(seed)}`);
  }
}

/** Saved generator state (JSON-serialisable): the four xoshiro words and the cached normal deviate. */
export interface RngState {
  s: number[];
  spareNormal: number | null;
}

const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;

export class Rng {
  /** xoshiro128 state; an Int32Array keeps the words unboxed in V8 */
  private readonly s = new Int32Array(4);
  /** second value of the last Box–Muller pair, returned by the next normal() */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    checkSeed(seed);
    let x = seed;
    const next = (): number => {
      const out = mix32(x);
      x = (x + 0x9e3779b9) >>> 0;
      return out;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    // xoshiro must not start from the all-zero state
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const s1 = s[1];
    // (s1·5 rotl 7)·9 mod 2^32, by shifts and adds: exact in doubles, wrapped by |0. (Math.imul
    // would do, but it is two orders of magnitude slower inside jest's vm contexts.)
    const r = rotl(((s1 << 2) + s1) | 0, 7);
    const result = ((r << 3) + r) >>> 0;
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Uniform on [0, 1) with 32 random bits (one draw; for bulk Bernoulli sampling). */
  uniform32(): number {
    return this.nextUint32() * TWO_POW_M32;
  }

  /** Uniform on [lo, hi) (or (hi, lo] when hi < lo, as numpy's uniform). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`uniformInt: n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    // reject the top partial block of 2^32 so every residue is equally likely
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * true with probability p (any p in [0, 1], resolved to 2^−53 like uniform() < p), usually from a
   * single 32-bit draw: with u = (x + f)·2^−32, x the first word and f ∈ [0, 1) the finer bits,
   * u < p is decided by x alone unless x = ⌊p·2^32⌋.
   */
  bernoulli(p: number): boolean {
    const x = this.nextUint32();
    if (p >= 1) return true;
    const scaled = p * 4294967296;
    // floor without Math.floor (hot loop; Math.* calls are slow inside jest's vm contexts)
    const whole = scaled >>> 0;
    if (x < whole) return true;
    if (x > whole) return false;
    return (this.nextUint32() >>> 11) * 2 ** -21 < scaled - whole;
  }

  /** Uniform integer in [lo, hi) (integers, lo < hi). */
  int(lo: number, hi: number): number {
    return lo + this.uniformInt(hi - lo);
  }

  /** Standard normal deviate (Box–Muller on two uniform() draws, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u = 1 - this.uniform(); // (0, 1]: log stays finite
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Exponential with the given mean (inverse CDF on a (0, 1] uniform). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Full state, for snapshots and checkpoints. */
  getState(): RngState {
    return { s: Array.from(this.s, (w) => w >>> 0), spareNormal: this.spareNormal };
  }

  setState(state: RngState): void {
    if (!Array.isArray(state.s) || state.s.length !== 4 || !state.s.every((w) => Number.isInteger(w)))
      throw new Error('RNG state must hold 4 integer words');
    for (let i = 0; i < 4; i++) this.s[i] = state.s[i] | 0;
    this.spareNormal = state.spareNormal;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
