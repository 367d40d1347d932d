/**
 * The input raster of the same window as the traces: one row per synapse, excitatory above
 * inhibitory, drawn straight into an ImageData (one pixel write per spike), so that the L5PC's
 * ~30 spikes per ms over a 2-s window stay cheap at 60 frames per second.
 */
import { fitCanvas } from './canvas-size.js';
import type { SessionRecord } from './session-record.js';

const LABEL_WIDTH = 46;
// little-endian RGBA words
const WHITE = 0xffffffff;
const EXC = 0xff2a2ac9;
const INH = 0xffab6418;
const RULE = 0xffc8c2bc;

export class RasterPlot {
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private pixels: Uint32Array = new Uint32Array(0);

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  /** Draws the inputs of bins [end − window, end); returns the number of spikes drawn. */
  draw(record: SessionRecord | null, end: number, window: number, nExc: number, nInh: number): number {
    const { width, height, dpr } = fitCanvas(this.canvas);
    const left = Math.round(LABEL_WIDTH * dpr);
    const right = Math.round(10 * dpr);
    const w = Math.max(1, width - left - right);
    if (!this.image || this.image.width !== w || this.image.height !== height) {
      this.image = this.ctx.createImageData(w, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    const px = this.pixels;
    px.fill(WHITE);
    const total = Math.max(1, nExc + nInh);
    const hExc = Math.round((height * nExc) / total);
    const hInh = height - hExc;
    for (let x = 0; x < w; x++) px[Math.min(hExc, height - 1) * w + x] = RULE;
    let drawn = 0;
    if (record) {
      const start = Math.max(0, end - window);
      const to = Math.min(end, record.inputBins);
      const markW = Math.max(2, Math.floor(w / window));
      drawn += this.side(
        record.excIds.view(),
        record.excOffsets.view(),
        start,
        to,
        window,
        w,
        0,
        hExc,
        nExc,
        markW,
        EXC,
      );
      drawn += this.side(
        record.inhIds.view(),
        record.inhOffsets.view(),
        start,
        to,
        window,
        w,
        hExc + 1,
        hInh - 1,
        nInh,
        markW,
        INH,
      );
    }
    this.ctx.fillStyle = '#ffffff';
    this.ctx.fillRect(0, 0, width, height);
    this.ctx.putImageData(this.image, left, 0);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.ctx.fillStyle = '#57606a';
    this.ctx.font = '11px system-ui, sans-serif';
    this.ctx.textAlign = 'right';
    this.ctx.textBaseline = 'middle';
    this.ctx.fillText(`exc ${nExc}`, LABEL_WIDTH - 4, hExc / dpr / 2);
    this.ctx.fillText(`inh ${nInh}`, LABEL_WIDTH - 4, (hExc + hInh / 2) / dpr);
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    return drawn;
  }

  private side(
    ids: Int32Array,
    offsets: Int32Array,
    start: number,
    end: number,
    window: number,
    w: number,
    top: number,
    h: number,
    n: number,
    markW: number,
    color: number,
  ): number {
    if (h <= 0 || n === 0) return 0;
    const px = this.pixels;
    const markH = Math.max(1, Math.floor(h / n));
    let drawn = 0;
    for (let k = start; k < end; k++) {
      const x0 = Math.floor(((k - start) * w) / window);
      for (let i = offsets[k]; i < offsets[k + 1]; i++) {
        const y0 = top + Math.floor((ids[i] * h) / n);
        for (let dy = 0; dy < markH; dy++) {
          const row = (y0 + dy) * w;
          for (let dx = 0; dx < markW && x0 + dx < w; dx++) px[row + x0 + dx] = color;
        }
        drawn++;
      }
    }
    return drawn;
  }
}
