/**
 * Persistent K, K_Pst (spec §4.5), axon only. Liquid-junction shifted: u = V + 10 mV.
 *
 *   m∞ = 1/(1 + e^(−(u+1)/12))
 *   τm = (1.25 + 175.03·e^(0.026u))/q_t  for u < −50,   (1.25 + 13·e^(−0.026u))/q_t  otherwise   [ms]
 *   h∞ = 1/(1 + e^((u+54)/11))
 *   τh = (360 + (1010 + 24(u+55))·e^(−((u+75)/48)²))/q_t
 *   i  = ḡ m² h (V − E_K)   [mA/cm²]
 */
import { boltzmann, Q_T, type ChannelDefinition } from './rate-helpers.js';

export const KP: ChannelDefinition = {
  name: 'KP',
  ion: 'k',
  gates: [
    {
      name: 'm',
      inf: (v) => boltzmann(v + 10, -1, 12),
      tau: (v) => {
        const u = v + 10;
        return (u < -50 ? 1.25 + 175.03 * Math.exp(0.026 * u) : 1.25 + 13 * Math.exp(-0.026 * u)) / Q_T;
      },
    },
    {
      name: 'h',
      inf: (v) => boltzmann(v + 10, -54, -11),
      tau: (v) => {
        const u = v + 10;
        const z = (u + 75) / 48;
        return (360 + (1010 + 24 * (u + 55)) * Math.exp(-z * z)) / Q_T;
      },
    },
  ],
  exponents: [2, 1],
};
