/**
 * Running surrogate-vs-reference figures over the bins both streams have delivered, updated
 * incrementally as bins arrive: spike counts, soma RMSE of the clipped voltages and spike ROC AUC
 * over the scored bins (k >= FIRST_SCORED_BIN, as in evaluation), and spike coincidence: reference
 * spikes matched one-to-one by a twin spike within ±COINCIDENCE_BINS bins (greedy, in time order).
 */
import { FIRST_SCORED_BIN, clippedSoma, type LabelConvention } from '../../../src/core/conventions.js';
import { rocAuc, rocCurve } from '../../../src/surrogate/metrics.js';
import type { SessionRecord } from './session-record.js';

/** ±2 ms */
export const COINCIDENCE_BINS = 2;

export interface Figures {
  /** bins delivered by both streams */
  alignedBins: number;
  surrogateSpikes: number;
  referenceSpikes: number;
  /** null until the scored bins hold both classes (AUC) or any bin (RMSE) */
  auc: number | null;
  rmse: number | null;
  /** reference spikes whose ±2 ms window is complete, and how many of them a twin spike matched */
  coincidenceChecked: number;
  coincident: number;
}

export class RunningFigures {
  private aligned = 0;
  private surSpikes = 0;
  private refSpikes = 0;
  private se = 0;
  private scored = 0;
  private positives = 0;
  private auc: number | null = null;
  private aucBins = 0;
  /** next bin whose reference spike is to be matched, and the next twin spike bin not yet used */
  private matchedUpTo = 0;
  private nextTwin = 0;
  private coincident = 0;
  private refChecked = 0;

  constructor(
    private readonly record: SessionRecord,
    private readonly convention: LabelConvention,
  ) {}

  /** Takes in the bins delivered since the last call (cheap: linear in the new bins). */
  update(): void {
    const r = this.record;
    const to = Math.min(r.surrogateBins, r.referenceBins);
    const sv = r.surrogateVoltage.view();
    const rv = r.referenceVoltage.view();
    const ss = r.surrogateSpike.view();
    const rs = r.referenceSpike.view();
    for (let k = this.aligned; k < to; k++) {
      this.surSpikes += ss[k];
      this.refSpikes += rs[k];
      if (k >= FIRST_SCORED_BIN) {
        const d = clippedSoma(sv[k], this.convention) - clippedSoma(rv[k], this.convention);
        this.se += d * d;
        this.scored++;
        this.positives += rs[k];
      }
    }
    this.aligned = to;
    this.matchCoincidences(ss, rs, to - COINCIDENCE_BINS);
  }

  /** Greedy one-to-one matching of reference spikes in bins < until (their windows are complete). */
  private matchCoincidences(ss: Uint8Array, rs: Uint8Array, until: number): void {
    for (let k = this.matchedUpTo; k < until; k++) {
      if (!rs[k]) continue;
      this.refChecked++;
      let j = Math.max(this.nextTwin, k - COINCIDENCE_BINS);
      while (j <= k + COINCIDENCE_BINS && !ss[j]) j++;
      if (j <= k + COINCIDENCE_BINS) {
        this.coincident++;
        this.nextTwin = j + 1;
      }
    }
    this.matchedUpTo = Math.max(this.matchedUpTo, until);
  }

  /** Whether an AUC recomputation would see new scored bins. */
  get aucStale(): boolean {
    return this.scored !== this.aucBins;
  }

  /** Exact AUC over every scored aligned bin (sorts them: call it sparingly). */
  recomputeAuc(): void {
    const n = this.scored;
    this.aucBins = n;
    if (this.positives === 0 || this.positives === n) {
      this.auc = null;
      return;
    }
    const from = FIRST_SCORED_BIN;
    const to = from + n;
    this.auc = rocAuc(
      rocCurve(
        this.record.surrogateProb.view().subarray(from, to),
        this.record.referenceSpike.view().subarray(from, to),
      ),
    );
  }

  figures(): Figures {
    return {
      alignedBins: this.aligned,
      surrogateSpikes: this.surSpikes,
      referenceSpikes: this.refSpikes,
      auc: this.auc,
      rmse: this.scored > 0 ? Math.sqrt(this.se / this.scored) : null,
      coincidenceChecked: this.refChecked,
      coincident: this.coincident,
    };
  }
}
