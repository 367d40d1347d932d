/**
 * HCN current, Ih (spec §4.9). Non-specific cation current, E_h = −45 mV; no temperature factor.
 * V_s shifts the voltage dependence (0 mV in every dataset of the paper).
 *
 *   α = 6.43e-3·11.9·𝓔((V + 154.9 − V_s)/11.9)     β = 0.193·e^((V − V_s)/33.1)   [1/ms]
 *   m∞ = α/(α+β)    τm = 1/(α+β)
 *   i  = ḡ m (V − E_h)   [mA/cm²]
 */
import { expRel, rateGate, type ChannelDefinition } from './rate-helpers.js';

export function ihChannel(vShift = 0): ChannelDefinition {
  return {
    name: 'Ih',
    ion: 'h',
    gates: [
      rateGate(
        'm',
        (v) => 6.43e-3 * 11.9 * expRel((v + 154.9 - vShift) / 11.9),
        (v) => 0.193 * Math.exp((v - vShift) / 33.1),
        1,
      ),
    ],
    exponents: [1],
  };
}

export const IH = ihChannel(0);
