/**
 * Transient ("A-type") K, K_Tst (spec §4.4), axon only. Liquid-junction shifted: u = V + 10 mV.
 *
 *   m∞ = 1/(1 + e^(−u/19))          τm = (0.34 + 0.92·e^(−((u+71)/59)²))/q_t   [ms]
 *   h∞ = 1/(1 + e^((u+66)/10))      τh = (8 + 49·e^(−((u+73)/23)²))/q_t
 *   i  = ḡ m⁴ h (V − E_K)   [mA/cm²]
 */
import { boltzmann, Q_T, type ChannelDefinition } from './rate-helpers.js';

export const KT: ChannelDefinition = {
  name: 'KT',
  ion: 'k',
  gates: [
    {
      name: 'm',
      inf: (v) => boltzmann(v + 10, 0, 19),
      tau: (v) => {
        const z = (v + 10 + 71) / 59;
        return (0.34 + 0.92 * Math.exp(-z * z)) / Q_T;
      },
    },
    {
      name: 'h',
      inf: (v) => boltzmann(v + 10, -66, -10),
      tau: (v) => {
        const z = (v + 10 + 73) / 23;
        return (8 + 49 * Math.exp(-z * z)) / Q_T;
      },
    },
  ],
  exponents: [4, 1],
};
