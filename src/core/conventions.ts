/**
 * Sampling and labelling conventions, defined once (spec §6.3, §7, §9). The dataset targets, the
 * reference stream and the surrogate stream all go through these functions.
 */
export type LabelConvention = 'spike-bin' | 'half-bin-offset';

/**
 * Bin that a spike at time t (ms) is labelled in.
 * - 'spike-bin' (I&F, §7): the spike bin itself, t is the integer bin index.
 * - 'half-bin-offset' (compartmental cells, §9.3): bin k collects peaks with t in [k+0.5, k+1.5),
 *   i.e. k = trunc(t - 0.5). Returns -1 for a peak before 0.5 ms (no bin).
 */
export function labelBin(t: number, convention: LabelConvention): number {
  if (convention === 'spike-bin') return Math.trunc(t);
  const k = Math.trunc(t - 0.5);
  return t - 0.5 < 0 ? -1 : k;
}

/** Fill a 0/1 label array (length = number of bins) from exact spike times. */
export function spikeLabels(
  spikeTimes: ArrayLike<number>,
  durationMs: number,
  convention: LabelConvention,
): Uint8Array {
  const labels = new Uint8Array(durationMs);
  for (let i = 0; i < spikeTimes.length; i++) {
    const k = labelBin(spikeTimes[i], convention);
    if (k >= 0 && k < durationMs) labels[k] = 1;
  }
  return labels;
}

/** Voltage above which action potentials are clipped out of the soma target (mV). */
export const SOMA_CLIP_MV = -55;

/**
 * Soma voltage target of a bin, in mV (before any training offset): the sample clipped so that
 * spikes do not dominate the regression. I&F (§7): values above −55 become −54.9 mV;
 * compartmental cells (§9.4): min(v, −55).
 */
export function clippedSoma(v: number, convention: LabelConvention): number {
  if (convention === 'spike-bin') return v > SOMA_CLIP_MV ? -54.9 : v;
  return Math.min(v, SOMA_CLIP_MV);
}

/** First bin that is scored and used for training windows (the cell is not at rest before, §6.4). */
export const FIRST_SCORED_BIN = 500;
