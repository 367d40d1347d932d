/**
 * Transient Na, soma/apical variant NaTs2_t (spec §4.1).
 *
 *   αm = 0.182·6·𝓔(−(V+32)/6)    βm = 0.124·6·𝓔((V+32)/6)      [1/ms, V in mV]
 *   αh = 0.015·6·𝓔((V+60)/6)     βh = 0.015·6·𝓔(−(V+60)/6)
 *   x∞ = α/(α+β),  τx = 1/(q_t(α+β))  [ms]
 *   i  = ḡ m³ h (V − E_Na)          [mA/cm², ḡ in S/cm²]
 */
import { expRel, Q_T, rateGate, type ChannelDefinition } from './rate-helpers.js';

/** The transient-Na kinetics with activation centred at vm and inactivation at vh (mV). */
export function transientNaChannel(name: string, vm: number, vh: number): ChannelDefinition {
  return {
    name,
    ion: 'na',
    gates: [
      rateGate(
        'm',
        (v) => 0.182 * 6 * expRel(-(v - vm) / 6),
        (v) => 0.124 * 6 * expRel((v - vm) / 6),
        Q_T,
      ),
      rateGate(
        'h',
        (v) => 0.015 * 6 * expRel((v - vh) / 6),
        (v) => 0.015 * 6 * expRel(-(v - vh) / 6),
        Q_T,
      ),
    ],
    exponents: [3, 1],
  };
}

export const NATS2 = transientNaChannel('NaTs2', -32, -60);
