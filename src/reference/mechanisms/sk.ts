/**
 * Ca-activated K, SK_E2 (spec §4.7). The gate z depends on [Ca]i of the same compartment (mM), not on V.
 *
 *   z∞ = 1/(1 + (0.00043/c)^4.8),  c = [Ca]i (+1e-7 when [Ca]i < 1e-7)     τz = 1 ms
 *   i  = ḡ z (V − E_K)   [mA/cm²]
 */
export const SK_TAU_MS = 1;

export function skZInf(cai: number): number {
  const c = cai < 1e-7 ? cai + 1e-7 : cai;
  return 1 / (1 + Math.pow(0.00043 / c, 4.8));
}
