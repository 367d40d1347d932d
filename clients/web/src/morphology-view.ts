/**
 * The reference cell drawn from its 2-D projection: dendritic compartments coloured by their
 * voltage (when the reference streams dendrites), and the synapses that received a spike flashing
 * where they sit, fading over FLASH_MS of simulated time.
 */
import type { CellMorphologyView } from '../../../src/reference/cells/cell-morphology.js';
import { fitCanvas } from './canvas-size.js';
import type { SessionRecord } from './session-record.js';
import { COLOR_LEVELS, VOLTAGE_COLORS, VOLTAGE_MAX, VOLTAGE_MIN, voltageLevel } from './voltage-colors.js';

export const FLASH_MS = 120;
const WIDTH_LEVELS = 4;
const NEUTRAL = '#adb5bd';
const LEGEND_W = 14;

export interface MorphologyFrame {
  /** synapses drawn as flashing in this frame */
  flashes: number;
  /** bin whose dendritic voltages coloured the branches, −1 when uncoloured */
  colouredBin: number;
}

export class MorphologyView {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly lastExc: Int32Array;
  private readonly lastInh: Int32Array;
  /** bins whose inputs were already taken into the flash state */
  private flashedUpTo = 0;
  /** compartments grouped by (colour level, width level), rebuilt per frame without allocation */
  private readonly bucketOf: Int32Array;
  private readonly widthLevel: Uint8Array;
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  private laidOutFor = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    readonly cell: CellMorphologyView,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
    this.lastExc = new Int32Array(cell.excCompartment.length).fill(-1e9);
    this.lastInh = new Int32Array(cell.inhCompartment.length).fill(-1e9);
    this.bucketOf = new Int32Array(cell.compartments.length);
    this.widthLevel = new Uint8Array(cell.compartments.length);
  }

  private layout(width: number, height: number, dpr: number): void {
    const key = `${width}x${height}`;
    if (key === this.laidOutFor) return;
    this.laidOutFor = key;
    const b = this.cell.bounds;
    const margin = 8 * dpr;
    const legend = (LEGEND_W + 48) * dpr;
    this.scale = Math.min(
      (width - 2 * margin - legend) / (b.maxX - b.minX),
      (height - 2 * margin) / (b.maxY - b.minY),
    );
    this.offsetX =
      margin + (width - 2 * margin - legend - this.scale * (b.maxX - b.minX)) / 2 - this.scale * b.minX;
    // +y (towards the pia) points up
    this.offsetY = margin + (height - 2 * margin - this.scale * (b.maxY - b.minY)) / 2 + this.scale * b.maxY;
    this.cell.compartments.forEach((c, j) => {
      const mean = c.d.reduce((a, d) => a + d, 0) / c.d.length;
      this.widthLevel[j] = Math.min(WIDTH_LEVELS, Math.max(1, Math.round(mean * this.scale * 0.8)));
    });
  }

  reset(): void {
    this.lastExc.fill(-1e9);
    this.lastInh.fill(-1e9);
    this.flashedUpTo = 0;
  }

  /** Draws the cell at simulated bin `at` (the newest bin shown). */
  draw(record: SessionRecord | null, at: number): MorphologyFrame {
    const { width, height, dpr } = fitCanvas(this.canvas);
    this.layout(width, height, dpr);
    const ctx = this.ctx;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.lineCap = 'round';
    const X = (x: number): number => this.offsetX + this.scale * x;
    const Y = (y: number): number => this.offsetY - this.scale * y;

    ctx.strokeStyle = '#495057';
    for (const p of [...this.cell.soma, ...this.cell.axon]) {
      for (let i = 1; i < p.x.length; i++) {
        ctx.lineWidth = Math.max(1.5, ((p.d[i - 1] + p.d[i]) / 2) * this.scale);
        ctx.beginPath();
        ctx.moveTo(X(p.x[i - 1]), Y(p.y[i - 1]));
        ctx.lineTo(X(p.x[i]), Y(p.y[i]));
        ctx.stroke();
      }
    }

    const coloured = record !== null && record.nDendrites > 0 && record.dendriteBin >= 0;
    const comps = this.cell.compartments;
    for (let j = 0; j < comps.length; j++) {
      const level = coloured ? voltageLevel(record.dendriteRow[j]) : 0;
      this.bucketOf[j] = level * (WIDTH_LEVELS + 1) + this.widthLevel[j];
    }
    const levels = coloured ? COLOR_LEVELS : 1;
    for (let level = 0; level < levels; level++) {
      for (let wl = 1; wl <= WIDTH_LEVELS; wl++) {
        const bucket = level * (WIDTH_LEVELS + 1) + wl;
        let any = false;
        for (let j = 0; j < comps.length; j++) {
          if (this.bucketOf[j] !== bucket) continue;
          if (!any) {
            ctx.beginPath();
            any = true;
          }
          const c = comps[j];
          ctx.moveTo(X(c.x[0]), Y(c.y[0]));
          for (let i = 1; i < c.x.length; i++) ctx.lineTo(X(c.x[i]), Y(c.y[i]));
        }
        if (any) {
          ctx.strokeStyle = coloured ? VOLTAGE_COLORS[level] : NEUTRAL;
          ctx.lineWidth = wl * (coloured ? 1.5 : 1);
          ctx.stroke();
        }
      }
    }

    const flashes = record ? this.drawFlashes(record, at, X, Y, dpr) : 0;
    if (coloured) this.drawLegend(width, height, dpr);
    return { flashes, colouredBin: coloured ? record.dendriteBin : -1 };
  }

  private drawFlashes(
    record: SessionRecord,
    at: number,
    X: (x: number) => number,
    Y: (y: number) => number,
    dpr: number,
  ): number {
    const to = Math.min(at + 1, record.inputBins);
    // only the bins of the last FLASH_MS can still be seen
    const from = Math.max(this.flashedUpTo, to - FLASH_MS);
    const excIds = record.excIds.view();
    const inhIds = record.inhIds.view();
    const excOff = record.excOffsets.view();
    const inhOff = record.inhOffsets.view();
    for (let k = from; k < to; k++) {
      for (let i = excOff[k]; i < excOff[k + 1]; i++) this.lastExc[excIds[i]] = k;
      for (let i = inhOff[k]; i < inhOff[k + 1]; i++) this.lastInh[inhIds[i]] = k;
    }
    this.flashedUpTo = Math.max(this.flashedUpTo, to);
    const ctx = this.ctx;
    const size = 3.5 * dpr;
    let drawn = 0;
    const sides: [Int32Array, number[], string][] = [
      [this.lastExc, this.cell.excCompartment, '#e03131'],
      [this.lastInh, this.cell.inhCompartment, '#1971c2'],
    ];
    for (const [last, where, color] of sides) {
      ctx.fillStyle = color;
      // four opacity steps, one fill per step
      for (let step = 4; step >= 1; step--) {
        ctx.globalAlpha = step / 4;
        for (let s = 0; s < last.length; s++) {
          const age = at - last[s];
          if (age < 0 || age >= FLASH_MS) continue;
          if (Math.ceil((1 - age / FLASH_MS) * 4) !== step) continue;
          const c = this.cell.compartments[where[s]];
          ctx.fillRect(X(c.cx) - size / 2, Y(c.cy) - size / 2, size, size);
          drawn++;
        }
      }
    }
    ctx.globalAlpha = 1;
    return drawn;
  }

  private drawLegend(width: number, height: number, dpr: number): void {
    const ctx = this.ctx;
    const x = width - (LEGEND_W + 42) * dpr;
    const top = 16 * dpr;
    const h = Math.min(200 * dpr, height - 32 * dpr);
    for (let i = 0; i < COLOR_LEVELS; i++) {
      ctx.fillStyle = VOLTAGE_COLORS[COLOR_LEVELS - 1 - i];
      ctx.fillRect(x, top + (i * h) / COLOR_LEVELS, LEGEND_W * dpr, h / COLOR_LEVELS + 1);
    }
    ctx.fillStyle = '#57606a';
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(`${VOLTAGE_MAX} mV`, x + (LEGEND_W + 3) * dpr, top);
    ctx.fillText(`${VOLTAGE_MIN}`, x + (LEGEND_W + 3) * dpr, top + h);
  }
}
