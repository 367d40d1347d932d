/**
 * ln x, operation for operation the same as src/reference/mechanisms/natural-log.ts (where the
 * method is written down), so that the kernels and the JS engine agree to the bit. No tables: the
 * kernels may keep no static data.
 */
export const LN2_HI: f64 = 6.9314718036912381649e-1;
export const LN2_LO: f64 = 1.90821492927058770002e-10;
export const SQRT2: f64 = 1.4142135623730951;
const TWO_POW_54: f64 = 18014398509481984;

export function naturalLog(x: f64): f64 {
  if (!(x > 0)) return x == 0 ? -Infinity : NaN;
  if (x == Infinity) return x;
  let k: i32 = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO_POW_54;
    k = -54;
  }
  const bits = reinterpret<u64>(x);
  const hi = <u32>(bits >> 32);
  k += <i32>(hi >>> 20) - 1023;
  let m = reinterpret<f64>((bits & 0x00000000ffffffff) | ((<u64>((hi & 0x000fffff) | 0x3ff00000)) << 32));
  if (m > SQRT2) {
    m *= 0.5;
    k += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const p01 = 0.6666666666666666 + 0.4 * z;
  const p23 = 0.2857142857142857 + 0.2222222222222222 * z;
  const p45 = 0.18181818181818182 + 0.15384615384615385 * z;
  const p67 = 0.13333333333333333 + 0.11764705882352941 * z;
  const t = z * (p01 + z2 * p23 + z4 * (p45 + z2 * p67 + z4 * 0.10526315789473684));
  const hfsq = 0.5 * f * f;
  const dk = <f64>k;
  return dk * LN2_HI - (hfsq - (s * (hfsq + t) + dk * LN2_LO) - f);
}
