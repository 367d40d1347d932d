/**
 * The one spike-train representation of the project, from the input generator through the datasets
 * and the surrogate to the stream.
 *
 * A `SpikeTrain` lists the spikes of a population of synapses as events sorted by time: spike i
 * reached synapse ids[i] in the 1-ms bin times[i]. Generators, datasets (HDF5 and JSON), input files
 * and the surrogate's training windows hold trains like this.
 *
 * Stepping a neuron or filling an input row needs the spikes of one bin at a time; `binOffsets` gives
 * the bin index of a train (the spikes of bin t are ids[offsets[t] .. offsets[t+1])), and
 * `BinnedSpikes` is a stretch of bins as its excitatory and inhibitory trains plus their indexes. A
 * `SpikeBin` is one bin written out ({exc: ids, inh: ids}), the form of the wire protocol and SDK.
 */
export interface SpikeTrain {
  /** bin index (ms) of each spike, non-decreasing */
  times: Int32Array;
  /** synapse id of each spike */
  ids: Int32Array;
}

/** The ids of the synapses that received a spike in one bin (wire protocol, SDK). */
export interface SpikeBin {
  exc?: ArrayLike<number>;
  inh?: ArrayLike<number>;
}

/**
 * `count` bins of input, times relative to the first bin; plain typed arrays, so it crosses to a
 * worker thread as a structured clone.
 */
export interface BinnedSpikes {
  count: number;
  exc: SpikeTrain;
  inh: SpikeTrain;
  /** bin index of `exc`: the spikes of bin t are exc.ids[excOffsets[t] .. excOffsets[t+1]) */
  excOffsets: Int32Array;
  inhOffsets: Int32Array;
}

/** Per-bin offsets (length bins + 1) of a train sorted by time; throws on a spike out of order or range. */
export function binOffsets(train: SpikeTrain, bins: number): Int32Array {
  const offsets = new Int32Array(bins + 1);
  for (let i = 0; i < train.times.length; i++) {
    const t = train.times[i];
    if (t < 0 || t >= bins || (i > 0 && t < train.times[i - 1])) {
      throw new RangeError(`spike ${i} at bin ${t} is out of order or outside [0, ${bins})`);
    }
    offsets[t + 1]++;
  }
  for (let t = 0; t < bins; t++) offsets[t + 1] += offsets[t];
  return offsets;
}

/** Two trains covering bins [0, count) with their indexes. */
export function binTrains(exc: SpikeTrain, inh: SpikeTrain, count: number): BinnedSpikes {
  return { count, exc, inh, excOffsets: binOffsets(exc, count), inhOffsets: binOffsets(inh, count) };
}

function trainOf(bins: readonly SpikeBin[], side: 'exc' | 'inh'): { train: SpikeTrain; offsets: Int32Array } {
  const offsets = new Int32Array(bins.length + 1);
  let total = 0;
  for (let i = 0; i < bins.length; i++) {
    total += bins[i][side]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const times = new Int32Array(total);
  const ids = new Int32Array(total);
  for (let i = 0; i < bins.length; i++) {
    const src = bins[i][side];
    if (!src) continue;
    const at = offsets[i];
    for (let j = 0; j < src.length; j++) {
      times[at + j] = i;
      ids[at + j] = src[j];
    }
  }
  return { train: { times, ids }, offsets };
}

/** Bins written out one by one (the wire form) as trains. */
export function flattenBins(bins: readonly SpikeBin[]): BinnedSpikes {
  const exc = trainOf(bins, 'exc');
  const inh = trainOf(bins, 'inh');
  return {
    count: bins.length,
    exc: exc.train,
    inh: inh.train,
    excOffsets: exc.offsets,
    inhOffsets: inh.offsets,
  };
}

const NO_SPIKES: SpikeTrain = { times: new Int32Array(0), ids: new Int32Array(0) };

/** Empty bins (no input spikes), e.g. to flush a neuron with an output delay. */
export function emptyBins(count: number): BinnedSpikes {
  return {
    count,
    exc: NO_SPIKES,
    inh: NO_SPIKES,
    excOffsets: new Int32Array(count + 1),
    inhOffsets: new Int32Array(count + 1),
  };
}

/**
 * First bin holding a synapse id outside [0, nExc) / [0, nInh), as a description, or null when all
 * ids are valid.
 */
export function findBadSynapse(
  bins: BinnedSpikes,
  nExc: number,
  nInh: number,
): { bin: number; text: string } | null {
  const exc = firstOutside(bins.exc, nExc);
  const inh = firstOutside(bins.inh, nInh);
  if (exc < 0 && inh < 0) return null;
  const excFirst = exc >= 0 && (inh < 0 || bins.exc.times[exc] <= bins.inh.times[inh]);
  return excFirst
    ? { bin: bins.exc.times[exc], text: `excitatory id ${bins.exc.ids[exc]} is not in [0, ${nExc})` }
    : { bin: bins.inh.times[inh], text: `inhibitory id ${bins.inh.ids[inh]} is not in [0, ${nInh})` };
}

function firstOutside(train: SpikeTrain, n: number): number {
  for (let i = 0; i < train.ids.length; i++) if (train.ids[i] < 0 || train.ids[i] >= n) return i;
  return -1;
}
