/**
 * Shared pieces of the channel kinetics (spec §3.4, §4.0).
 */

/** Temperature factor of the kinetics fitted at 21 °C, corrected to 34 °C with Q10 = 2.3: 2.3^1.3. */
export const Q_T = Math.pow(2.3, 1.3);

/**
 * 𝓔(x) = x / (e^x − 1), with 𝓔(0) = 1. Removes the 0/0 of rates written as c·y/(1 − e^(−y/k)):
 * c·y/(1 − e^(−y/k)) = c·k·𝓔(−y/k) and c·y/(e^(y/k) − 1) = c·k·𝓔(y/k).
 */
export function expRel(x: number): number {
  if (Math.abs(x) > 1e-6) return x / Math.expm1(x);
  return 1 - x / 2 + (x * x) / 12;
}

/** Boltzmann 1/(1 + e^(−(v − vHalf)/k)); a negative k gives a decreasing curve. */
export function boltzmann(v: number, vHalf: number, k: number): number {
  return 1 / (1 + Math.exp(-(v - vHalf) / k));
}

/** One gate with first-order kinetics dx/dt = (x∞(V) − x)/τx(V), V in mV, τ in ms. */
export interface GateDefinition {
  readonly name: string;
  inf(v: number): number;
  tau(v: number): number;
}

/** The ion whose reversal drives a channel's ohmic current. */
export type ChannelIon = 'na' | 'k' | 'h' | 'ca';

/**
 * A voltage-gated channel: i = ḡ · Π gate^exponent · (V − E_ion), in mA/cm² for ḡ in S/cm².
 * One or two gates.
 */
export interface ChannelDefinition {
  readonly name: string;
  readonly ion: ChannelIon;
  readonly gates: readonly GateDefinition[];
  readonly exponents: readonly number[];
}

/** Gate given by opening/closing rates (1/ms): x∞ = α/(α+β), τ = 1/(q·(α+β)). */
export function rateGate(
  name: string,
  alpha: (v: number) => number,
  beta: (v: number) => number,
  q: number,
): GateDefinition {
  return {
    name,
    inf: (v) => {
      const a = alpha(v);
      return a / (a + beta(v));
    },
    tau: (v) => 1 / (q * (alpha(v) + beta(v))),
  };
}
