/**
 * Input bins for speed measurements: the paper's I&F input statistics when the model has the I&F
 * cell's 80 + 20 synapses, else independent Poisson spikes at `rateHz` per synapse.
 */
import type { FlatBins } from '../inference/flat-bins.js';
import { PatternGenerator } from '../inputs/paper-pattern.js';
import { ifPaperInputs } from '../inputs/presets.js';
import { Rng } from '../inputs/rng.js';

export interface BenchInputs {
  /** distinct patterns; stream i uses patterns[i % length] */
  patterns: FlatBins[];
  source: string;
  /** mean spiking synapses per bin */
  meanActive: number;
}

export function benchInputs(
  nExc: number,
  nInh: number,
  bins: number,
  distinct: number,
  seed: number,
  rateHz: number,
): BenchInputs {
  const paper = nExc === 80 && nInh === 20;
  const generator = paper ? new PatternGenerator(ifPaperInputs(), bins) : null;
  const patterns: FlatBins[] = [];
  let spikes = 0;
  for (let i = 0; i < distinct; i++) {
    const f = generator ? fromPattern(generator, seed + i) : poisson(nExc, nInh, bins, rateHz, seed + i);
    spikes += f.excIds.length + f.inhIds.length;
    patterns.push(f);
  }
  return {
    patterns,
    source: paper ? "the paper's I&F input statistics" : `Poisson ${rateHz} Hz per synapse`,
    meanActive: spikes / (distinct * bins),
  };
}

function fromPattern(generator: PatternGenerator, seed: number): FlatBins {
  const p = generator.generate(seed);
  return {
    count: p.durationMs,
    excOffsets: Uint32Array.from(p.excOffsets),
    excIds: Uint32Array.from(p.exc.ids),
    inhOffsets: Uint32Array.from(p.inhOffsets),
    inhIds: Uint32Array.from(p.inh.ids),
  };
}

function poissonSide(
  rng: Rng,
  n: number,
  bins: number,
  p: number,
): { offsets: Uint32Array; ids: Uint32Array } {
  const offsets = new Uint32Array(bins + 1);
  const ids: number[] = [];
  for (let t = 0; t < bins; t++) {
    for (let s = 0; s < n; s++) if (rng.uniform() < p) ids.push(s);
    offsets[t + 1] = ids.length;
  }
  return { offsets, ids: Uint32Array.from(ids) };
}

function poisson(nExc: number, nInh: number, bins: number, rateHz: number, seed: number): FlatBins {
  const rng = new Rng(seed);
  const p = rateHz / 1000;
  const exc = poissonSide(rng, nExc, bins, p);
  const inh = poissonSide(rng, nInh, bins, p);
  return { count: bins, excOffsets: exc.offsets, excIds: exc.ids, inhOffsets: inh.offsets, inhIds: inh.ids };
}
