/**
 * Running comparison of a surrogate stream against the reference stream of the same bins: spike
 * counts, spike ROC AUC, RMSE and correlation of clipped soma voltages, over the bins both streams
 * have delivered (scored bins only: k >= FIRST_SCORED_BIN).
 */
import { FIRST_SCORED_BIN, clippedSoma, type LabelConvention } from '../../src/core/conventions.js';
import { rocAuc, rocCurve } from '../../src/surrogate/metrics.js';
import type { OutputChunkMsg } from '../sdk/index.js';

export interface ComparisonRow {
  /** bins delivered by both streams */
  bins: number;
  surrogateSpikes: number;
  referenceSpikes: number;
  /** null while the scored bins hold only one class */
  auc: number | null;
  rmse: number;
  correlation: number;
}

export class StreamComparison {
  readonly surV: Float32Array;
  readonly surP: Float32Array;
  readonly surS: Uint8Array;
  readonly refV: Float32Array;
  readonly refS: Uint8Array;
  surrogateBins = 0;
  referenceBins = 0;
  duplicates = 0;

  constructor(
    readonly durationMs: number,
    readonly convention: LabelConvention,
  ) {
    this.surV = new Float32Array(durationMs);
    this.surP = new Float32Array(durationMs);
    this.surS = new Uint8Array(durationMs);
    this.refV = new Float32Array(durationMs);
    this.refS = new Uint8Array(durationMs);
  }

  /** Store a chunk; chunks of each source must arrive contiguous and in order. */
  add(c: OutputChunkMsg): void {
    const surrogate = c.source === 'SURROGATE';
    const expected = surrogate ? this.surrogateBins : this.referenceBins;
    if (c.firstBin !== expected) {
      throw new Error(`${c.source} chunk starts at bin ${c.firstBin}, expected ${expected}`);
    }
    const n = c.voltage.length;
    if (c.firstBin + n > this.durationMs)
      throw new Error(`${c.source} chunk runs past bin ${this.durationMs}`);
    for (let i = 0; i < n; i++) {
      const k = c.firstBin + i;
      if (surrogate) {
        this.surV[k] = c.voltage[i];
        this.surP[k] = c.spikeProb[i];
        this.surS[k] = c.spike[i] ? 1 : 0;
      } else {
        this.refV[k] = c.voltage[i];
        this.refS[k] = c.spike[i] ? 1 : 0;
      }
    }
    if (surrogate) this.surrogateBins += n;
    else this.referenceBins += n;
  }

  /** bins that both streams have delivered */
  get alignedBins(): number {
    return Math.min(this.surrogateBins, this.referenceBins);
  }

  row(bins = this.alignedBins): ComparisonRow {
    let surrogateSpikes = 0;
    let referenceSpikes = 0;
    for (let k = 0; k < bins; k++) {
      surrogateSpikes += this.surS[k];
      referenceSpikes += this.refS[k];
    }
    const from = Math.min(FIRST_SCORED_BIN, bins);
    const n = bins - from;
    let se = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let k = from; k < bins; k++) {
      const x = clippedSoma(this.surV[k], this.convention);
      const y = clippedSoma(this.refV[k], this.convention);
      se += (x - y) ** 2;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const varX = sxx / n - (sx / n) ** 2;
    const varY = syy / n - (sy / n) ** 2;
    let auc: number | null = null;
    const labels = this.refS.subarray(from, bins);
    const positives = labels.reduce((a, b) => a + b, 0);
    if (positives > 0 && positives < n) auc = rocAuc(rocCurve(this.surP.subarray(from, bins), labels));
    return {
      bins,
      surrogateSpikes,
      referenceSpikes,
      auc,
      rmse: n > 0 ? Math.sqrt(se / n) : NaN,
      correlation: n > 1 ? cov / Math.sqrt(varX * varY) : NaN,
    };
  }
}
