/**
 * High-voltage-activated Ca, Ca_HVA (spec §4.10). No temperature factor.
 *
 *   αm = 0.055·3.8·𝓔((−27 − V)/3.8)       βm = 0.94·e^((−75 − V)/17)            [1/ms]
 *   αh = 4.57e-4·e^((−13 − V)/50)         βh = 6.5e-3/(e^((−V − 15)/28) + 1)
 *   x∞ = α/(α+β),  τx = 1/(α+β)
 *   i_Ca = ḡ m² h (V − E_Ca)   [mA/cm²]
 */
import { expRel, rateGate, type ChannelDefinition } from './rate-helpers.js';

export const CAHVA: ChannelDefinition = {
  name: 'CaHVA',
  ion: 'ca',
  gates: [
    rateGate(
      'm',
      (v) => 0.055 * 3.8 * expRel((-27 - v) / 3.8),
      (v) => 0.94 * Math.exp((-75 - v) / 17),
      1,
    ),
    rateGate(
      'h',
      (v) => 4.57e-4 * Math.exp((-13 - v) / 50),
      (v) => 6.5e-3 / (Math.exp((-v - 15) / 28) + 1),
      1,
    ),
  ],
  exponents: [2, 1],
};
