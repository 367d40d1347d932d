/**
 * External drive of a population: for each bin, the synaptic events it delivers. Three sources:
 * the paper's input statistics (each neuron draws its own pattern), independent Poisson spikes at
 * given rates, and given spike trains.
 */
import { PatternGenerator, type InputPattern } from '../inputs/paper-pattern.js';
import { ifPaperInputs } from '../inputs/presets.js';
import { Rng, mix32 } from '../core/rng.js';
import type { EventList } from './events.js';

export interface Drive {
  /** Adds the events of bin t (t counts from 0 at the first run). */
  addEvents(t: number, sink: EventList): void;
}

export type DriveSpec =
  /**
   * The paper's statistics. Drawing a pattern costs about (synapses x ms) work, tens of ms per
   * simulated second, so a population draws a pool of `patterns` 1-s patterns once (default: one
   * per neuron up to 256) and, every simulated second, each neuron reads a pattern of the pool from
   * a random circular time offset (with one pattern per neuron and no more neurons than patterns,
   * neuron i reads pattern i from its start in the first second). Each neuron sees the paper's
   * statistics; neurons that share a pattern are weakly correlated.
   */
  | { kind: 'paper'; seed?: number; patterns?: number }
  | { kind: 'poisson'; excHz: number; inhHz: number; seed?: number }
  | {
      kind: 'spikes';
      /** bin (ms) of each input spike */
      times: ArrayLike<number>;
      /** target neuron of each input spike (index in the population) */
      neurons: ArrayLike<number>;
      /** synapse id of each input spike, in the pool given by `synapse` */
      synapses: ArrayLike<number>;
      synapse: 'exc' | 'inh';
    };

/** Length of the paper patterns, ms; assignments of patterns to neurons change at this period. */
const PAPER_BLOCK_MS = 1000;

export function makeDrive(spec: DriveSpec, size: number, nExc: number, nInh: number, netSeed: number): Drive {
  switch (spec.kind) {
    case 'paper':
      if (nExc !== 80 || nInh !== 20)
        throw new RangeError(
          `paper drive: the paper's input statistics are defined here for the I&F cell (80 + 20 synapses), the population has ${nExc} + ${nInh}; use a poisson drive`,
        );
      return new PaperDrive(size, spec.seed ?? netSeed, spec.patterns ?? Math.min(size, 256));
    case 'poisson':
      return new PoissonDrive(size, nExc, nInh, spec.excHz, spec.inhHz, spec.seed ?? netSeed);
    case 'spikes':
      return new SpikeTrainDrive(spec, size, nExc, nInh);
    default:
      throw new RangeError(`unknown drive kind '${(spec as { kind: string }).kind}'`);
  }
}

class PaperDrive implements Drive {
  /**
   * The pool's patterns as one CSR of combined synapse ids (inhibitory ones offset by the 80
   * excitatory): bin k of pattern p is ids[offsets[p·(B+1) + k] .. offsets[p·(B+1) + k + 1]), B the
   * pattern length, so that a neuron's events of a bin are one run of one array
   */
  private readonly offsets: Int32Array;
  private readonly ids: Uint32Array;
  /** per neuron: which pattern of the pool, and from which time offset, in the current block */
  private readonly which: Uint32Array;
  private readonly shift: Uint32Array;
  private block = -1;

  constructor(
    private readonly size: number,
    private readonly seed: number,
    patterns: number,
  ) {
    if (!Number.isInteger(patterns) || patterns < 1)
      throw new RangeError(`paper drive: patterns must be a positive integer, got ${patterns}`);
    const generator = new PatternGenerator(ifPaperInputs(), PAPER_BLOCK_MS);
    const pool: InputPattern[] = [];
    for (let i = 0; i < patterns; i++) pool.push(generator.generate(mix32(seed + i)));
    ({ offsets: this.offsets, ids: this.ids } = combinedBins(pool));
    this.which = new Uint32Array(size);
    this.shift = new Uint32Array(size);
  }

  addEvents(t: number, sink: EventList): void {
    const block = Math.floor(t / PAPER_BLOCK_MS);
    if (block !== this.block) this.assign(block);
    const inBlock = t - block * PAPER_BLOCK_MS;
    const { offsets, ids, which, shift } = this;
    for (let i = 0; i < this.size; i++) {
      let k = inBlock + shift[i];
      if (k >= PAPER_BLOCK_MS) k -= PAPER_BLOCK_MS;
      const at = which[i] * (PAPER_BLOCK_MS + 1) + k;
      for (let j = offsets[at]; j < offsets[at + 1]; j++) sink.push(i, ids[j]);
    }
  }

  private assign(block: number): void {
    const n = this.offsets.length / (PAPER_BLOCK_MS + 1);
    const rng = new Rng(mix32(this.seed ^ mix32(block)));
    for (let i = 0; i < this.size; i++) {
      const plain = block === 0 && this.size <= n;
      this.which[i] = plain ? i : rng.uniformInt(n);
      this.shift[i] = plain ? 0 : rng.uniformInt(PAPER_BLOCK_MS);
    }
    this.block = block;
  }
}

/** Patterns of PAPER_BLOCK_MS bins as one CSR of combined ids (see PaperDrive). */
function combinedBins(pool: InputPattern[]): { offsets: Int32Array; ids: Uint32Array } {
  const B = PAPER_BLOCK_MS;
  const offsets = new Int32Array(pool.length * (B + 1));
  const total = pool.reduce((sum, p) => sum + p.exc.ids.length + p.inh.ids.length, 0);
  const ids = new Uint32Array(total);
  let n = 0;
  pool.forEach((p, q) => {
    for (let k = 0; k < B; k++) {
      offsets[q * (B + 1) + k] = n;
      for (let j = p.excOffsets[k]; j < p.excOffsets[k + 1]; j++) ids[n++] = p.exc.ids[j];
      for (let j = p.inhOffsets[k]; j < p.inhOffsets[k + 1]; j++) ids[n++] = 80 + p.inh.ids[j];
    }
    offsets[q * (B + 1) + B] = n;
  });
  return { offsets, ids };
}

/**
 * Every synapse of every neuron spikes in a bin with probability rate·1 ms; the spiking (neuron,
 * synapse) pairs are found by geometric skips over the flattened pairs, so a bin costs time
 * proportional to its events, not to neurons × synapses.
 */
class PoissonDrive implements Drive {
  private readonly rng: Rng;

  constructor(
    private readonly size: number,
    private readonly nExc: number,
    private readonly nInh: number,
    private readonly excHz: number,
    private readonly inhHz: number,
    seed: number,
  ) {
    for (const [name, hz] of [
      ['excHz', excHz],
      ['inhHz', inhHz],
    ] as const)
      if (!(hz >= 0 && hz < 1000))
        throw new RangeError(`poisson drive: ${name} must be in [0, 1000), got ${hz}`);
    this.rng = new Rng(seed);
  }

  addEvents(_t: number, sink: EventList): void {
    this.side(sink, this.nExc, this.excHz / 1000, 0);
    this.side(sink, this.nInh, this.inhHz / 1000, this.nExc);
  }

  private side(sink: EventList, n: number, p: number, offset: number): void {
    if (p <= 0 || n === 0) return;
    const total = this.size * n;
    const logQ = Math.log(1 - p);
    let k = -1;
    for (;;) {
      // 1 - uniform() is in (0, 1]: the log is finite
      k += 1 + Math.floor(Math.log(1 - this.rng.uniform()) / logQ);
      if (k >= total) return;
      const neuron = Math.floor(k / n);
      sink.push(neuron, offset + (k - neuron * n));
    }
  }
}

class SpikeTrainDrive implements Drive {
  private readonly times: Int32Array;
  private readonly neurons: Uint32Array;
  private readonly ids: Uint32Array;
  private next = 0;

  constructor(spec: Extract<DriveSpec, { kind: 'spikes' }>, size: number, nExc: number, nInh: number) {
    const n = spec.times.length;
    if (spec.neurons.length !== n || spec.synapses.length !== n)
      throw new RangeError('spike-train drive: times, neurons and synapses must have the same length');
    const pool = spec.synapse === 'exc' ? nExc : nInh;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => spec.times[a] - spec.times[b]);
    this.times = new Int32Array(n);
    this.neurons = new Uint32Array(n);
    this.ids = new Uint32Array(n);
    order.forEach((src, i) => {
      const t = spec.times[src];
      const neuron = spec.neurons[src];
      const syn = spec.synapses[src];
      if (!Number.isInteger(t) || t < 0)
        throw new RangeError(`spike-train drive: time ${t} is not a bin index >= 0`);
      if (!Number.isInteger(neuron) || neuron < 0 || neuron >= size)
        throw new RangeError(`spike-train drive: neuron ${neuron} is not in [0, ${size})`);
      if (!Number.isInteger(syn) || syn < 0 || syn >= pool)
        throw new RangeError(`spike-train drive: ${spec.synapse} synapse ${syn} is not in [0, ${pool})`);
      this.times[i] = t;
      this.neurons[i] = neuron;
      this.ids[i] = spec.synapse === 'exc' ? syn : nExc + syn;
    });
  }

  addEvents(t: number, sink: EventList): void {
    while (this.next < this.times.length && this.times[this.next] < t) this.next++;
    while (this.next < this.times.length && this.times[this.next] === t) {
      sink.push(this.neurons[this.next], this.ids[this.next]);
      this.next++;
    }
  }
}
