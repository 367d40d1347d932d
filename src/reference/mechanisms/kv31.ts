/**
 * Kv3.1-like fast delayed rectifier, SKv3_1 (spec §4.6). No temperature factor.
 *
 *   m∞ = 1/(1 + e^(−(V−18.7)/9.7))     τm = 4/(1 + e^(−(V+46.56)/44.14))   [ms]
 *   i  = ḡ m (V − E_K)   [mA/cm²]
 */
import { boltzmann, type ChannelDefinition } from './rate-helpers.js';

export const KV31: ChannelDefinition = {
  name: 'Kv31',
  ion: 'k',
  gates: [{ name: 'm', inf: (v) => boltzmann(v, 18.7, 9.7), tau: (v) => 4 * boltzmann(v, -46.56, 44.14) }],
  exponents: [1],
};
