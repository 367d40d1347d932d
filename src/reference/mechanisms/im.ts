/**
 * M current, Im (spec §4.8).
 *
 *   α = 3.3e-3·e^(0.1(V+35))    β = 3.3e-3·e^(−0.1(V+35))   [1/ms]
 *   m∞ = α/(α+β)    τm = 1/(q_t(α+β))
 *   i  = ḡ m (V − E_K)   [mA/cm²]
 */
import { Q_T, rateGate, type ChannelDefinition } from './rate-helpers.js';

export const IM: ChannelDefinition = {
  name: 'Im',
  ion: 'k',
  gates: [
    rateGate(
      'm',
      (v) => 3.3e-3 * Math.exp(0.1 * (v + 35)),
      (v) => 3.3e-3 * Math.exp(-0.1 * (v + 35)),
      Q_T,
    ),
  ],
  exponents: [1],
};
