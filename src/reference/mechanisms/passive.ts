/**
 * Passive leak (spec §1.2, §3.1): i_pas = g_pas (V − e_pas)  [mA/cm², g_pas in S/cm², V in mV].
 */
export function passiveCurrent(gPas: number, ePas: number, v: number): number {
  return gPas * (v - ePas);
}
