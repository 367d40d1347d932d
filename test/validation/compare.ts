/** Figures of merit for comparing two simulators' traces and spike trains (no thresholds here). */

/** max_k |a_k − b_k| over the common length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = commonLength(a, b);
  let m = 0;
  for (let k = 0; k < n; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** max_k |a_k − b_k| / max_k |b_k|: error relative to the reference trace's scale. */
export function relativeMaxDiff(a: ArrayLike<number>, reference: ArrayLike<number>): number {
  const n = commonLength(a, reference);
  let scale = 0;
  for (let k = 0; k < n; k++) scale = Math.max(scale, Math.abs(reference[k]));
  const d = maxAbsDiff(a, reference);
  return scale === 0 ? (d === 0 ? 0 : Infinity) : d / scale;
}

/** Mean |a − b| over the samples where both traces are below `ceiling` (subthreshold), and how many. */
export function subthresholdMeanAbsDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ceiling: number,
  fromIndex = 0,
): { mean: number; samples: number } {
  const n = commonLength(a, b);
  let sum = 0;
  let count = 0;
  for (let k = fromIndex; k < n; k++) {
    if (a[k] < ceiling && b[k] < ceiling) {
      sum += Math.abs(a[k] - b[k]);
      count++;
    }
  }
  return { mean: count === 0 ? NaN : sum / count, samples: count };
}

export interface SpikeMatch {
  /** pairs matched within the tolerance */
  matched: number;
  /** reference spikes with no partner */
  missing: number;
  /** test spikes with no partner */
  extra: number;
  /** largest |t_test − t_ref| among matched pairs, ms */
  maxLag: number;
  /** mean signed lag (test − reference) of matched pairs, ms */
  meanLag: number;
  /** mean |lag| of matched pairs, ms */
  meanAbsLag: number;
}

/**
 * One-to-one matching of two sorted spike-time lists: walk both in time order and pair the earliest
 * unmatched spikes when they lie within `tolerance` ms; otherwise the earlier one is unmatched.
 */
export function matchSpikes(
  test: readonly number[],
  reference: readonly number[],
  tolerance: number,
): SpikeMatch {
  let i = 0;
  let j = 0;
  let matched = 0;
  let missing = 0;
  let extra = 0;
  let maxLag = 0;
  let lagSum = 0;
  let absLagSum = 0;
  while (i < test.length && j < reference.length) {
    const d = test[i] - reference[j];
    if (Math.abs(d) <= tolerance) {
      matched++;
      maxLag = Math.max(maxLag, Math.abs(d));
      lagSum += d;
      absLagSum += Math.abs(d);
      i++;
      j++;
    } else if (d < 0) {
      extra++;
      i++;
    } else {
      missing++;
      j++;
    }
  }
  extra += test.length - i;
  missing += reference.length - j;
  return {
    matched,
    missing,
    extra,
    maxLag,
    meanLag: matched ? lagSum / matched : 0,
    meanAbsLag: matched ? absLagSum / matched : 0,
  };
}

function commonLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`trace lengths differ: ${a.length} vs ${b.length}`);
  return a.length;
}
