/**
 * Synaptic conductances (spec §5): differences of two exponentials with states A (rise) and B (decay).
 *
 *   dA/dt = −A/τr,  dB/dt = −B/τd,  g = g_max (B − A)          [g in µS]
 *   event of weight w: A += w·f, B += w·f, with
 *   t_p = τr·τd/(τd − τr)·ln(τd/τr),   f = 1/(e^(−t_p/τd) − e^(−t_p/τr))
 * so one isolated event peaks at exactly g_max at t_p. Decay over a step is exact: A ← A·e^(−dt/τr).
 *
 * AMPA+NMDA: two such pairs with a shared g_max; I = g_a (V−E) + g_n 𝓑(V) (V−E) [nA], with the
 * instantaneous Mg block 𝓑(V) = 1/(1 + e^(−0.08 V)·[Mg]o/3.57), 𝓑'(V) = 0.08·𝓑(1−𝓑).
 */
import type { SynapseParams } from './catalogue.js';

export function peakTime(tauRise: number, tauDecay: number): number {
  if (!(tauRise > 0 && tauDecay > tauRise)) {
    throw new RangeError(
      `double-exponential synapse needs 0 < tauRise < tauDecay, got ${tauRise}, ${tauDecay}`,
    );
  }
  return ((tauRise * tauDecay) / (tauDecay - tauRise)) * Math.log(tauDecay / tauRise);
}

/** The normalisation factor f that makes the peak conductance of one event equal g_max. */
export function normalisationFactor(tauRise: number, tauDecay: number): number {
  const tp = peakTime(tauRise, tauDecay);
  return 1 / (Math.exp(-tp / tauDecay) - Math.exp(-tp / tauRise));
}

/** Mg block of the NMDA component, [Mg]o in mM, V in mV. */
export function mgBlock(v: number, mg: number): number {
  return 1 / (1 + (Math.exp(-0.08 * v) * mg) / 3.57);
}

/** The paper's synapse types (spec §5.2); conductances in µS. */
export const AMPA_NMDA: SynapseParams = {
  kind: 'ampa-nmda',
  tauRise: 0.3,
  tauDecay: 3,
  tauRiseNmda: 2,
  tauDecayNmda: 70,
  gmax: 0.0004,
  e: 0,
  mg: 1,
};

export const AMPA: SynapseParams = { kind: 'ampa', tauRise: 0.3, tauDecay: 3, gmax: 0.0004, e: 0 };

export const GABA_A: SynapseParams = { kind: 'gaba-a', tauRise: 0.2, tauDecay: 8, gmax: 0.001, e: -80 };
