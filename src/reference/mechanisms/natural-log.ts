/**
 * ln x in plain IEEE arithmetic, operation for operation the same as assembly/natural-log.ts, so that
 * the JS engine and its WebAssembly kernels compute E_Ca (Nernst) to the same bit. Math.log cannot
 * serve both: the kernels have no access to it, and AssemblyScript's own log keeps its tables in a
 * data section, which the kernels may not have (src/reference/cable/wasm-kernels.ts).
 *
 * x = 2^k·m with √½ ≤ m < √2, and with f = m − 1, s = f/(2 + f) (|s| ≤ 0.172):
 *   ln m = 2·atanh(s) = 2s + s·T,  T = Σ_{n≥1} 2s^(2n)/(2n + 1),
 * and since 2s = f − s·f = f − h + s·h with h = f²/2:  ln m = f − (h − s·(h + T)), the large term f
 * added last to a small, accurately computed correction. Nine terms of T leave a truncation error
 * below 3e-17 relative; k·ln 2 is added in two parts (the high part has 32 trailing zero bits, so
 * k·LN2_HI is exact).
 */
const LN2_HI = 6.9314718036912381649e-1; // 0x3fe62e42fee00000
const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const SQRT2 = 1.4142135623730951;
const TWO_POW_54 = 18014398509481984;

const word = new DataView(new ArrayBuffer(8));

/** The natural logarithm of x (−∞ at 0, NaN below 0 and for NaN, +∞ at +∞). */
export function naturalLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    // subnormal: scale into the normal range first (exact)
    x *= TWO_POW_54;
    k = -54;
  }
  word.setFloat64(0, x, true);
  const hi = word.getUint32(4, true);
  k += (hi >>> 20) - 1023;
  word.setUint32(4, (hi & 0x000fffff) | 0x3ff00000, true);
  let m = word.getFloat64(0, true);
  if (m > SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  // T = z·P(z) by Estrin's scheme (shorter dependency chains than Horner's, on every path alike)
  const z2 = z * z;
  const z4 = z2 * z2;
  const p01 = 0.6666666666666666 + 0.4 * z;
  const p23 = 0.2857142857142857 + 0.2222222222222222 * z;
  const p45 = 0.18181818181818182 + 0.15384615384615385 * z;
  const p67 = 0.13333333333333333 + 0.11764705882352941 * z;
  const t = z * (p01 + z2 * p23 + z4 * (p45 + z2 * p67 + z4 * 0.10526315789473684));
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + t) + k * LN2_LO) - f);
}
