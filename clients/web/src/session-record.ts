/**
 * Everything a dashboard session sent and received, bin by bin: the input spikes (CSR by bin, so the
 * raster and the morphology can look up a bin's synapses), the surrogate's and the reference's soma
 * voltage and spike flags, and the reference's latest dendritic row.
 */
import type { SpikeBin, OutputChunkMsg } from '../../sdk/index.js';
import { GrowableFloat32, GrowableInt32, GrowableUint8 } from './growable.js';

export class SessionRecord {
  readonly excIds = new GrowableInt32();
  readonly inhIds = new GrowableInt32();
  /** spikes of bin k are excIds[excOffsets[k] .. excOffsets[k+1]) */
  readonly excOffsets = new GrowableInt32();
  readonly inhOffsets = new GrowableInt32();
  readonly surrogateVoltage = new GrowableFloat32();
  readonly surrogateProb = new GrowableFloat32();
  readonly surrogateSpike = new GrowableUint8();
  readonly referenceVoltage = new GrowableFloat32();
  readonly referenceSpike = new GrowableUint8();
  /** dendritic voltages of bin `dendriteBin` (length nDendrites; empty without dendrites) */
  readonly dendriteRow: Float32Array;
  dendriteBin = -1;
  /** latest referenceLagBins reported by the server */
  referenceLag = 0;

  constructor(
    readonly nExc: number,
    readonly nInh: number,
    readonly nDendrites = 0,
  ) {
    this.excOffsets.push(0);
    this.inhOffsets.push(0);
    this.dendriteRow = new Float32Array(nDendrites);
  }

  get inputBins(): number {
    return this.excOffsets.length - 1;
  }
  get surrogateBins(): number {
    return this.surrogateVoltage.length;
  }
  get referenceBins(): number {
    return this.referenceVoltage.length;
  }

  addInputs(bins: readonly SpikeBin[]): void {
    for (const b of bins) {
      appendIds(this.excIds, b.exc);
      appendIds(this.inhIds, b.inh);
      this.excOffsets.push(this.excIds.length);
      this.inhOffsets.push(this.inhIds.length);
    }
  }

  /** Stores an output chunk; each source's chunks must be contiguous, in order. */
  addOutput(c: OutputChunkMsg): void {
    const surrogate = c.source === 'SURROGATE';
    const expected = surrogate ? this.surrogateBins : this.referenceBins;
    if (c.firstBin !== expected)
      throw new Error(`${c.source} chunk starts at bin ${c.firstBin}, expected ${expected}`);
    const n = c.voltage.length;
    if (surrogate) {
      this.surrogateVoltage.reserve(n);
      this.surrogateProb.reserve(n);
      this.surrogateSpike.reserve(n);
      for (let i = 0; i < n; i++) {
        this.surrogateVoltage.push(c.voltage[i]);
        this.surrogateProb.push(c.spikeProb[i]);
        this.surrogateSpike.push(c.spike[i] ? 1 : 0);
      }
    } else {
      this.referenceVoltage.reserve(n);
      this.referenceSpike.reserve(n);
      for (let i = 0; i < n; i++) {
        this.referenceVoltage.push(c.voltage[i]);
        this.referenceSpike.push(c.spike[i] ? 1 : 0);
      }
      const D = this.nDendrites;
      const dv = c.dendriticVoltage;
      if (D > 0 && dv && dv.length === n * D && n > 0) {
        const from = (n - 1) * D;
        for (let j = 0; j < D; j++) this.dendriteRow[j] = dv[from + j];
        this.dendriteBin = c.firstBin + n - 1;
      }
    }
    this.referenceLag = c.referenceLagBins;
  }
}

function appendIds(into: GrowableInt32, ids: ArrayLike<number> | undefined): void {
  if (!ids) return;
  into.reserve(ids.length);
  for (let i = 0; i < ids.length; i++) into.push(ids[i]);
}
