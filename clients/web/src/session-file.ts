/**
 * A dashboard session as one JSON document. It is an input file of the documented layout (README,
 * "Input files": durationMs, seed, nExc, nInh, exc/inh as [synapse id, ms] pairs), so
 * `neurotwin simulate --cell CELL --inputs FILE` replays its inputs through the reference cell; the
 * outputs of both streams ride along under keys that the input reader ignores.
 */
import type { ClosedMsg } from '../../sdk/index.js';
import type { Figures } from './running-figures.js';
import type { SessionRecord } from './session-record.js';

export const SESSION_FORMAT = 'neurotwin-session';

export interface SessionMeta {
  model: string;
  cell: string;
  labelConvention: string;
  clock: string;
  seed: number;
  generator: Record<string, unknown>;
  figures: Figures;
  closed: ClosedMsg | null;
}

function pairs(ids: Int32Array, offsets: Int32Array, bins: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < bins; k++) for (let i = offsets[k]; i < offsets[k + 1]; i++) out.push([ids[i], k]);
  return out;
}

function spikeBins(flags: Uint8Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < flags.length; k++) if (flags[k]) out.push(k);
  return out;
}

/** float32 values as the shortest decimal that reads back to the same float32 */
function float32s(values: Float32Array): number[] {
  return Array.from(values, (v) => Number(v.toPrecision(9)));
}

export function sessionDocument(record: SessionRecord, meta: SessionMeta): Record<string, unknown> {
  const T = record.inputBins;
  const refBins = Math.min(record.referenceBins, T);
  return {
    format: SESSION_FORMAT,
    version: 1,
    model: meta.model,
    cell: meta.cell,
    labelConvention: meta.labelConvention,
    clock: meta.clock,
    durationMs: T,
    seed: meta.seed,
    nExc: record.nExc,
    nInh: record.nInh,
    generator: meta.generator,
    exc: pairs(record.excIds.view(), record.excOffsets.view(), T),
    inh: pairs(record.inhIds.view(), record.inhOffsets.view(), T),
    surrogate: {
      bins: Math.min(record.surrogateBins, T),
      somaVoltage: float32s(record.surrogateVoltage.view().subarray(0, T)),
      spikeProb: float32s(record.surrogateProb.view().subarray(0, T)),
      spikeBins: spikeBins(record.surrogateSpike.view().subarray(0, T)),
    },
    reference:
      record.referenceBins > 0
        ? {
            bins: refBins,
            somaVoltage: float32s(record.referenceVoltage.view().subarray(0, refBins)),
            spikeBins: spikeBins(record.referenceSpike.view().subarray(0, refBins)),
          }
        : null,
    figures: meta.figures,
    closed: meta.closed,
  };
}
