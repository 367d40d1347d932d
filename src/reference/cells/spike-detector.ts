/**
 * Somatic spike detection on the 8-samples-per-ms trace (spec §9.2) and the 1-ms spike labels
 * (§9.3, 'half-bin-offset'). Sample j is a peak iff v_j − v_{j−1} > 0, v_{j+1} − v_j < 0 and
 * v_j > −25 mV; its time is j/8 ms. A decision about sample j is possible once j+1 has arrived.
 */
import { labelBin } from '../../core/conventions.js';

export const SAMPLES_PER_MS = 8;
export const PEAK_THRESHOLD_MV = -25;
/** labels kept for bins not yet emitted (ring, power of two) */
const RING = 4;

export interface SpikeDetectorState {
  index: number;
  prev: number;
  last: number;
  labels: Uint8Array;
  times: number[];
}

export class SpikeDetector {
  /** index of the last sample pushed (−1 before any) */
  private index = -1;
  private prev = NaN;
  private last = NaN;
  private readonly labels = new Uint8Array(RING);
  private times: number[] = [];

  reset(): void {
    this.index = -1;
    this.prev = NaN;
    this.last = NaN;
    this.labels.fill(0);
    this.times = [];
  }

  /** Next sample of the trace (sample index = previous + 1). */
  push(v: number): void {
    const j = this.index; // candidate peak: the previous sample
    if (j >= 1 && this.last - this.prev > 0 && v - this.last < 0 && this.last > PEAK_THRESHOLD_MV) {
      const t = j / SAMPLES_PER_MS;
      this.times.push(t);
      const bin = labelBin(t, 'half-bin-offset');
      if (bin >= 0) this.labels[bin & (RING - 1)] = 1;
    }
    this.prev = this.last;
    this.last = v;
    this.index++;
  }

  /** Take (and clear) the label of a bin whose peaks are all decided. */
  takeLabel(bin: number): boolean {
    const slot = bin & (RING - 1);
    const hit = this.labels[slot] === 1;
    this.labels[slot] = 0;
    return hit;
  }

  spikeTimes(): readonly number[] {
    return this.times;
  }

  snapshot(): SpikeDetectorState {
    return {
      index: this.index,
      prev: this.prev,
      last: this.last,
      labels: this.labels.slice(),
      times: [...this.times],
    };
  }

  restore(s: SpikeDetectorState): void {
    this.index = s.index;
    this.prev = s.prev;
    this.last = s.last;
    this.labels.set(s.labels);
    this.times = [...s.times];
  }
}
