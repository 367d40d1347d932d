import { IF_KAPPA_MV, IF_REST_MV, IF_THRESHOLD_MV, ifKernel } from './parameters.js';

/**
 * The I&F neuron of spec §7 for a whole trial at once, written straight from the equations (the
 * oracle for the stepwise neuron):
 *   V[t] = V_r + κ Σ_j w_j Σ_{n=0}^{min(140,t)} K[n] s_j[t−n];
 *   scanning t = 0..T−1: if V[t] > θ and t+1 < T, spike in bin t and
 *   V[t+1+n] −= (V[t+1] − V_r)·K[n] for n = 0..min(140, T−t−2).
 * `excTrains[j]` / `inhTrains[j]` are 0/1 per bin.
 */
export function integrateAndFireBatch(
  excTrains: ArrayLike<number>[],
  inhTrains: ArrayLike<number>[],
  durationMs: number,
): { voltage: Float64Array; spikeBins: number[] } {
  const K = ifKernel();
  const L = K.length;
  const T = durationMs;
  const v = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let n = 0; n <= Math.min(L - 1, t); n++) {
      let net = 0;
      for (const s of excTrains) net += s[t - n];
      for (const s of inhTrains) net -= s[t - n];
      sum += K[n] * net;
    }
    v[t] = IF_REST_MV + IF_KAPPA_MV * sum;
  }
  const spikeBins: number[] = [];
  for (let t = 0; t < T; t++) {
    if (v[t] > IF_THRESHOLD_MV && t + 1 < T) {
      spikeBins.push(t);
      const amount = v[t + 1] - IF_REST_MV;
      for (let n = 0; n <= Math.min(L - 1, T - t - 2); n++) v[t + 1 + n] -= amount * K[n];
    }
  }
  return { voltage: v, spikeBins };
}
