/**
 * Low-voltage-activated Ca, Ca_LVAst (spec §4.11). Liquid-junction shifted: u = V + 10 mV.
 *
 *   m∞ = 1/(1 + e^(−(u+30)/6))      τm = (5 + 20/(1 + e^((u+25)/5)))/q_t    [ms]
 *   h∞ = 1/(1 + e^((u+80)/6.4))     τh = (20 + 50/(1 + e^((u+40)/7)))/q_t
 *   i_Ca = ḡ m² h (V − E_Ca)   [mA/cm²]
 */
import { boltzmann, Q_T, type ChannelDefinition } from './rate-helpers.js';

export const CALVA: ChannelDefinition = {
  name: 'CaLVA',
  ion: 'ca',
  gates: [
    {
      name: 'm',
      inf: (v) => boltzmann(v + 10, -30, 6),
      tau: (v) => (5 + 20 / (1 + Math.exp((v + 10 + 25) / 5))) / Q_T,
    },
    {
      name: 'h',
      inf: (v) => boltzmann(v + 10, -80, -6.4),
      tau: (v) => (20 + 50 / (1 + Math.exp((v + 10 + 40) / 7))) / Q_T,
    },
  ],
  exponents: [2, 1],
};
