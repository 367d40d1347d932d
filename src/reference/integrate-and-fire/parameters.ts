/** Constants of the paper's discrete-time integrate-and-fire neuron (spec §7). */
export const IF_N_EXC = 80;
export const IF_N_INH = 20;
/** membrane time constant of the kernel, ms */
export const IF_TAU_MS = 20;
/** kernel K[n] = e^{−n/τ} for n = 0..⌊7τ⌋ (141 taps) */
export const IF_KERNEL_LENGTH = Math.floor(7 * IF_TAU_MS) + 1;
/** voltage step per input spike, mV (excitatory weight +1, inhibitory −1) */
export const IF_KAPPA_MV = 2;
export const IF_REST_MV = -75;
export const IF_THRESHOLD_MV = -55;

export function ifKernel(): Float64Array {
  const k = new Float64Array(IF_KERNEL_LENGTH);
  for (let n = 0; n < k.length; n++) k[n] = Math.exp(-n / IF_TAU_MS);
  return k;
}
