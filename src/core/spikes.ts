/**
 * Input bins in one flat layout (CSR-like): the ids of bin i are ids[offsets[i] .. offsets[i+1]).
 * Cheap to fill an input row from, and transferable to a worker thread without copying.
 */
export interface FlatBins {
  count: number;
  excOffsets: Uint32Array;
  excIds: Uint32Array;
  inhOffsets: Uint32Array;
  inhIds: Uint32Array;
}

export interface SparseBin {
  exc?: ArrayLike<number>;
  inh?: ArrayLike<number>;
}

function flattenSide(
  bins: readonly SparseBin[],
  side: 'exc' | 'inh',
): { offsets: Uint32Array; ids: Uint32Array } {
  const offsets = new Uint32Array(bins.length + 1);
  let total = 0;
  for (let i = 0; i < bins.length; i++) {
    total += bins[i][side]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const ids = new Uint32Array(total);
  for (let i = 0; i < bins.length; i++) {
    const src = bins[i][side];
    if (src) for (let j = 0; j < src.length; j++) ids[offsets[i] + j] = src[j];
  }
  return { offsets, ids };
}

export function flattenBins(bins: readonly SparseBin[]): FlatBins {
  const exc = flattenSide(bins, 'exc');
  const inh = flattenSide(bins, 'inh');
  return {
    count: bins.length,
    excOffsets: exc.offsets,
    excIds: exc.ids,
    inhOffsets: inh.offsets,
    inhIds: inh.ids,
  };
}

/** Empty bins (no input spikes), e.g. to flush a neuron with an output delay. */
export function emptyBins(count: number): FlatBins {
  return {
    count,
    excOffsets: new Uint32Array(count + 1),
    excIds: new Uint32Array(0),
    inhOffsets: new Uint32Array(count + 1),
    inhIds: new Uint32Array(0),
  };
}

/**
 * First bin holding a synapse id outside [0, nExc) / [0, nInh), as a description, or null when all
 * ids are valid.
 */
export function findBadSynapse(
  bins: FlatBins,
  nExc: number,
  nInh: number,
): { bin: number; text: string } | null {
  for (let i = 0; i < bins.count; i++) {
    for (let j = bins.excOffsets[i]; j < bins.excOffsets[i + 1]; j++) {
      if (bins.excIds[j] >= nExc)
        return { bin: i, text: `excitatory id ${bins.excIds[j]} is not in [0, ${nExc})` };
    }
    for (let j = bins.inhOffsets[i]; j < bins.inhOffsets[i + 1]; j++) {
      if (bins.inhIds[j] >= nInh)
        return { bin: i, text: `inhibitory id ${bins.inhIds[j]} is not in [0, ${nInh})` };
    }
  }
  return null;
}
