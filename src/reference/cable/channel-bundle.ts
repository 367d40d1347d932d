/**
 * Voltage-gated channels that sit on exactly the same nodes (in the L5PC: Kv3.1, Im, CaHVA and CaLVA
 * on every compartment with a Ca shell) advance their gates in one WebAssembly pass: each member's
 * voltage is read and placed on the rate grid once, and the rates of all the bundle's gates at a
 * grid point lie side by side in one merged table row. Every gate's arithmetic is that of its own
 * channel's loop (channel-population.ts), so the states are the same to the bit; only the passes
 * are shared. Likewise two bundle channels next to each other in the substep order (the L5PC's Kv3.1
 * and Im, CaHVA and CaLVA), both Ca channels or neither, add their currents in one pass, each
 * member's shares in turn, so every sum is taken in the same order as channel by channel. The
 * plain-JS engine has no bundles.
 */
import type { ChannelPopulation } from './channel-population.js';
import type { Membrane } from './membrane.js';
import type { VoltageGrid } from './gate-table.js';

const cache = new Map<string, Float64Array>();

/** Row j: the rows of the channels' own tables at j, one after the other. */
function mergedTable(key: string, tables: readonly Float64Array[], widths: readonly number[]): Float64Array {
  const hit = cache.get(key);
  if (hit) return hit;
  const width = widths.reduce((sum, w) => sum + w, 0);
  const rows = tables[0].length / widths[0];
  const merged = new Float64Array(rows * width);
  for (let j = 0; j < rows; j++) {
    let col = j * width;
    tables.forEach((t, c) => {
      const w = widths[c];
      merged.set(t.subarray(j * w, (j + 1) * w), col);
      col += w;
    });
  }
  cache.set(key, merged);
  return merged;
}

export class ChannelBundle {
  readonly channels: readonly ChannelPopulation[];
  private readonly slots: Int32Array;
  private readonly table: Float64Array;
  private readonly width: number;
  /** byte offsets of the gate state arrays, in table column order */
  private readonly gates: Int32Array;
  private readonly vMin: number;
  private readonly vMax: number;
  private readonly invStep: number;

  constructor(
    channels: readonly ChannelPopulation[],
    /** each channel's own table (gate-table.ts channelTable) */
    tables: readonly Float64Array[],
    slots: Int32Array,
    private readonly membrane: Membrane,
    grid: VoltageGrid,
    /** every channel of the cell in substep order, to find the neighbours that share a current pass */
    order: readonly ChannelPopulation[],
  ) {
    this.channels = channels;
    this.slots = slots;
    const widths = channels.map((c) => 2 * c.nGates);
    this.width = widths.reduce((sum, w) => sum + w, 0);
    const key = `${channels.map((c) => c.tableKey).join('+')}|${membrane.dt}|${grid.vMin}|${grid.vMax}|${grid.step}`;
    this.table = membrane.store.place(mergedTable(key, tables, widths));
    const states = channels.flatMap((c) => (c.nGates > 1 ? [c.gate0, c.gate1] : [c.gate0]));
    this.gates = membrane.store.place(Int32Array.from(states, (a) => a.byteOffset));
    this.vMin = grid.vMin;
    this.vMax = grid.vMax;
    this.invStep = 1 / grid.step;
    channels.forEach((c, k) => c.joinBundle(this, k === 0));
    for (let k = 0; k + 1 < channels.length; k++) {
      const [first, next] = [channels[k], channels[k + 1]];
      if (order.indexOf(next) === order.indexOf(first) + 1 && next.isCa === first.isCa) {
        first.pairCurrentsWith(next);
        k++;
      }
    }
  }

  /** Every gate of every channel of the bundle at the new voltages; members off the grid exactly, in order. */
  advance(): void {
    const kernels = this.membrane.kernels;
    if (!kernels) throw new Error('channel bundles run in the WebAssembly kernels only');
    const { slots, table, width, vMin, vMax, invStep, gates, channels } = this;
    const v = this.membrane.v;
    const count = slots.length;
    for (let s = 0; s < count; s++) {
      s = kernels.bundleAdvance(
        s,
        count,
        slots.byteOffset,
        v.byteOffset,
        table.byteOffset,
        width,
        vMin,
        vMax,
        invStep,
        gates.byteOffset,
        gates.length,
        this.membrane.lanes,
      );
      if (s === count) break;
      for (const c of channels) c.advanceMemberExactly(s);
    }
  }
}
