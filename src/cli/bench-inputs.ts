/**
 * Input bins for speed measurements: the paper's I&F input statistics when the model has the I&F
 * cell's 80 + 20 synapses, else independent Poisson spikes at `rateHz` per synapse.
 */
import { binOffsets, type BinnedSpikes, type SpikeTrain } from '../core/spikes.js';
import { PatternGenerator } from '../inputs/paper-pattern.js';
import { ifPaperInputs } from '../inputs/presets.js';
import { Rng } from '../core/rng.js';

export interface BenchInputs {
  /** distinct patterns; stream i uses patterns[i % length] */
  patterns: BinnedSpikes[];
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
  const patterns: BinnedSpikes[] = [];
  let spikes = 0;
  for (let i = 0; i < distinct; i++) {
    const f = generator ? fromPattern(generator, seed + i) : poisson(nExc, nInh, bins, rateHz, seed + i);
    spikes += f.exc.ids.length + f.inh.ids.length;
    patterns.push(f);
  }
  return {
    patterns,
    source: paper ? "the paper's I&F input statistics" : `Poisson ${rateHz} Hz per synapse`,
    meanActive: spikes / (distinct * bins),
  };
}

function fromPattern(generator: PatternGenerator, seed: number): BinnedSpikes {
  const p = generator.generate(seed);
  return {
    count: p.durationMs,
    exc: p.exc,
    inh: p.inh,
    excOffsets: binOffsets(p.exc, p.durationMs),
    inhOffsets: binOffsets(p.inh, p.durationMs),
  };
}

function poissonSide(
  rng: Rng,
  n: number,
  bins: number,
  p: number,
): { train: SpikeTrain; offsets: Int32Array } {
  const offsets = new Int32Array(bins + 1);
  const ids: number[] = [];
  const times: number[] = [];
  for (let t = 0; t < bins; t++) {
    for (let s = 0; s < n; s++) {
      if (rng.uniform() < p) {
        ids.push(s);
        times.push(t);
      }
    }
    offsets[t + 1] = ids.length;
  }
  return { train: { times: Int32Array.from(times), ids: Int32Array.from(ids) }, offsets };
}

function poisson(nExc: number, nInh: number, bins: number, rateHz: number, seed: number): BinnedSpikes {
  const rng = new Rng(seed);
  const p = rateHz / 1000;
  const exc = poissonSide(rng, nExc, bins, p);
  const inh = poissonSide(rng, nInh, bins, p);
  return { count: bins, exc: exc.train, inh: inh.train, excOffsets: exc.offsets, inhOffsets: inh.offsets };
}
