/**
 * Persistent Na, Nap_Et2 (spec §4.3), axon only.
 *
 *   m∞ = 1/(1 + e^(−(V+52.6)/4.6))      τm = 6/(q_t(αm+βm))  with αm, βm of NaTa_t (activation at −38 mV)
 *   h∞ = 1/(1 + e^((V+48.8)/10))
 *   αh = 2.88e-6·4.63·𝓔((V+17)/4.63)    βh = 6.94e-6·2.63·𝓔(−(V+64.4)/2.63)    τh = 1/(q_t(αh+βh))
 *   i  = ḡ m³ h (V − E_Na)   [mA/cm²]
 */
import { boltzmann, expRel, Q_T, type ChannelDefinition } from './rate-helpers.js';

const alphaM = (v: number): number => 0.182 * 6 * expRel(-(v + 38) / 6);
const betaM = (v: number): number => 0.124 * 6 * expRel((v + 38) / 6);
const alphaH = (v: number): number => 2.88e-6 * 4.63 * expRel((v + 17) / 4.63);
const betaH = (v: number): number => 6.94e-6 * 2.63 * expRel(-(v + 64.4) / 2.63);

export const NAP: ChannelDefinition = {
  name: 'NaP',
  ion: 'na',
  gates: [
    { name: 'm', inf: (v) => boltzmann(v, -52.6, 4.6), tau: (v) => 6 / (Q_T * (alphaM(v) + betaM(v))) },
    { name: 'h', inf: (v) => boltzmann(v, -48.8, -10), tau: (v) => 1 / (Q_T * (alphaH(v) + betaH(v))) },
  ],
  exponents: [3, 1],
};
