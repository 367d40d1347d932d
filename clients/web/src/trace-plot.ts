/**
 * Reference and twin soma voltage overlaid on a scrolling window that ends at the newest bin, with
 * the spikes of both as tick rows above the traces. Long windows are drawn as one min–max segment
 * per pixel column, so a frame costs O(window bins) and no allocation.
 */
import { COLORS, fitCanvas } from './canvas-size.js';
import type { SessionRecord } from './session-record.js';

const MARGIN = { left: 46, right: 10, top: 34, bottom: 20 };

export class TracePlot {
  private readonly ctx: CanvasRenderingContext2D;
  private lo = -80;
  private hi = -50;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  /** Draws bins [end − window, end); returns how many bins of either trace were drawn. */
  draw(record: SessionRecord | null, end: number, window: number): number {
    const { width, height, dpr } = fitCanvas(this.canvas);
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, width, height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = width / dpr - MARGIN.left - MARGIN.right;
    const h = height / dpr - MARGIN.top - MARGIN.bottom;
    const start = Math.max(0, end - window);
    if (record) this.fitRange(record, start, end);
    this.drawAxes(w, h, start, window);
    if (!record) return 0;
    const x = (k: number): number => MARGIN.left + ((k - start) / window) * w;
    const y = (v: number): number => MARGIN.top + (1 - (v - this.lo) / (this.hi - this.lo)) * h;
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, w, h);
    ctx.clip();
    ctx.lineWidth = 1.25;
    const refEnd = Math.min(end, record.referenceBins);
    const surEnd = Math.min(end, record.surrogateBins);
    this.line(record.referenceVoltage.view(), start, refEnd, x, y, COLORS.reference, w / window);
    this.line(record.surrogateVoltage.view(), start, surEnd, x, y, COLORS.twin, w / window);
    ctx.restore();
    this.ticks(record.referenceSpike.view(), start, refEnd, x, MARGIN.top - 24, COLORS.reference);
    this.ticks(record.surrogateSpike.view(), start, surEnd, x, MARGIN.top - 13, COLORS.twin);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = COLORS.reference;
    ctx.fillText('ref', MARGIN.left - 4, MARGIN.top - 19);
    ctx.fillStyle = COLORS.twin;
    ctx.fillText('twin', MARGIN.left - 4, MARGIN.top - 8);
    ctx.textAlign = 'left';
    ctx.fillStyle = COLORS.reference;
    ctx.fillText('━ reference', MARGIN.left + w - 150, MARGIN.top + 10);
    ctx.fillStyle = COLORS.twin;
    ctx.fillText('━ twin', MARGIN.left + w - 70, MARGIN.top + 10);
    return Math.max(refEnd - start, 0) + Math.max(surEnd - start, 0);
  }

  /**
   * Keeps the y range around the visible data, grown at once and shrunk when far too wide: around
   * the reference when it streams (the truth; a twin far off it runs off the plot, visibly), else
   * around the twin.
   */
  private fitRange(record: SessionRecord, start: number, end: number): void {
    let lo = Infinity;
    let hi = -Infinity;
    const v = record.referenceBins > start ? record.referenceVoltage.view() : record.surrogateVoltage.view();
    for (let k = start; k < Math.min(end, v.length); k++) {
      if (v[k] < lo) lo = v[k];
      if (v[k] > hi) hi = v[k];
    }
    if (!(hi >= lo)) return;
    const wantLo = Math.floor((lo - 2) / 10) * 10;
    const wantHi = Math.ceil((hi + 2) / 10) * 10;
    if (wantLo < this.lo || wantHi > this.hi || this.hi - this.lo > 2 * (wantHi - wantLo) + 20) {
      this.lo = Math.min(wantLo, wantHi - 20);
      this.hi = wantHi;
    }
  }

  private drawAxes(w: number, h: number, start: number, window: number): void {
    const ctx = this.ctx;
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    const span = this.hi - this.lo;
    // about five grid lines whatever the span
    const step = [5, 10, 20, 50, 100, 200, 500].find((q) => span / q <= 6) ?? 1000;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let v = Math.ceil(this.lo / step) * step; v <= this.hi; v += step) {
      const y = MARGIN.top + (1 - (v - this.lo) / span) * h;
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(MARGIN.left + w, y);
      ctx.stroke();
      ctx.fillStyle = COLORS.axis;
      ctx.fillText(`${v}`, MARGIN.left - 4, y);
    }
    ctx.save();
    ctx.translate(11, MARGIN.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('soma (mV)', 0, 0);
    ctx.restore();
    const tick = window > 4000 ? 1000 : window > 1500 ? 500 : 250;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let t = Math.ceil(start / tick) * tick; t <= start + window; t += tick) {
      const x = MARGIN.left + ((t - start) / window) * w;
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(x, MARGIN.top);
      ctx.lineTo(x, MARGIN.top + h);
      ctx.stroke();
      ctx.fillStyle = COLORS.axis;
      ctx.fillText(`${(t / 1000).toFixed(tick < 1000 ? 2 : 0)} s`, x, MARGIN.top + h + 4);
    }
  }

  private line(
    v: Float32Array,
    from: number,
    to: number,
    x: (k: number) => number,
    y: (v: number) => number,
    color: string,
    pxPerBin: number,
  ): void {
    if (to <= from) return;
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.beginPath();
    if (pxPerBin >= 1) {
      ctx.moveTo(x(from), y(v[from]));
      for (let k = from + 1; k < to; k++) ctx.lineTo(x(k), y(v[k]));
    } else {
      // one vertical min–max segment per pixel column, joined to the next
      let column = Math.floor(x(from));
      let lo = v[from];
      let hi = v[from];
      ctx.moveTo(column, y(v[from]));
      for (let k = from + 1; k < to; k++) {
        const c = Math.floor(x(k));
        if (c !== column) {
          ctx.lineTo(column, y(lo));
          ctx.lineTo(column, y(hi));
          column = c;
          lo = hi = v[k];
        } else {
          if (v[k] < lo) lo = v[k];
          if (v[k] > hi) hi = v[k];
        }
      }
      ctx.lineTo(column, y(lo));
      ctx.lineTo(column, y(hi));
    }
    ctx.stroke();
  }

  private ticks(
    s: Uint8Array,
    from: number,
    to: number,
    x: (k: number) => number,
    top: number,
    color: string,
  ): void {
    const ctx = this.ctx;
    ctx.fillStyle = color;
    for (let k = from; k < to; k++) if (s[k]) ctx.fillRect(x(k) - 1, top, 2, 9);
  }
}
