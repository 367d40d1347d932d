/**
 * The JSON input-file layout (README, "Input files"): one trial of input spikes as
 * {"durationMs", "seed", "exc": [[synapse id, ms], ...], "inh": [...]}, checked against the synapse
 * counts of the cell to drive. No file access, so browsers use it too.
 */
import type { GivenInputs } from './simulate-trial.js';
import { GIVEN_INPUTS } from '../core/input-record.js';
import type { SpikeTrain } from '../core/spikes.js';

export interface InputsJsonOptions {
  /** synapse counts of the cell the inputs will drive */
  nExc: number;
  nInh: number;
  /** trial length requested by the caller (required unless the document has durationMs) */
  durationMs?: number;
}

export interface InputFile {
  given: GivenInputs;
  durationMs: number;
}

/** A document that is not a valid input file; the message names the first problem. */
export class InputsJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputsJsonError';
  }
}

/** Checks a parsed input document and returns its spikes in time order. */
export function parseInputsJson(doc: unknown, options: InputsJsonOptions): InputFile {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputsJsonError('expected a JSON object {"exc": [[id, ms], ...], "inh": [[id, ms], ...]}');
  }
  const o = doc as Record<string, unknown>;
  for (const [key, n] of [
    ['nExc', options.nExc],
    ['nInh', options.nInh],
  ] as const) {
    if (o[key] !== undefined && o[key] !== n) {
      throw new InputsJsonError(`${key} is ${JSON.stringify(o[key])}, the cell to simulate has ${n}`);
    }
  }
  const fileDuration = o.durationMs;
  if (fileDuration !== undefined && !(Number.isInteger(fileDuration) && (fileDuration as number) > 0)) {
    throw new InputsJsonError(`durationMs must be a positive integer, got ${JSON.stringify(fileDuration)}`);
  }
  const durationMs = options.durationMs ?? (fileDuration as number | undefined);
  if (durationMs === undefined) {
    throw new InputsJsonError('the file has no durationMs; give the trial length (--duration)');
  }
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) {
    throw new InputsJsonError(`seed must be an integer in [0, 4294967295], got ${JSON.stringify(seed)}`);
  }
  return {
    given: {
      exc: spikePairs(o.exc, 'exc', options.nExc, durationMs),
      inh: spikePairs(o.inh, 'inh', options.nInh, durationMs),
      seed: seed as number,
      generator: GIVEN_INPUTS,
    },
    durationMs,
  };
}

/** [[id, ms], ...] → time-sorted sparse spikes (stable: equal times keep the file's order). */
function spikePairs(value: unknown, key: string, n: number, durationMs: number): SpikeTrain {
  if (value === undefined) return { times: new Int32Array(0), ids: new Int32Array(0) };
  if (!Array.isArray(value)) throw new InputsJsonError(`"${key}" must be a list of [synapse id, ms] pairs`);
  const ids = new Int32Array(value.length);
  const times = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = value[i];
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InputsJsonError(`${key}[${i}] must be a [synapse id, ms] pair, got ${JSON.stringify(pair)}`);
    }
    const [id, t] = pair as unknown[];
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= n) {
      throw new InputsJsonError(
        `${key}[${i}]: synapse id ${JSON.stringify(id)} is not an integer in [0, ${n})`,
      );
    }
    if (!Number.isInteger(t) || (t as number) < 0 || (t as number) >= durationMs) {
      throw new InputsJsonError(
        `${key}[${i}]: time ${JSON.stringify(t)} ms is not an integer in [0, ${durationMs}) (the trial length)`,
      );
    }
    ids[i] = id as number;
    times[i] = t as number;
  }
  // counting sort by time: O(S + T), stable
  const offsets = new Int32Array(durationMs + 1);
  for (let i = 0; i < times.length; i++) offsets[times[i] + 1]++;
  for (let t = 0; t < durationMs; t++) offsets[t + 1] += offsets[t];
  const sorted = { times: new Int32Array(times.length), ids: new Int32Array(ids.length) };
  for (let i = 0; i < times.length; i++) {
    const at = offsets[times[i]]++;
    sorted.times[at] = times[i];
    sorted.ids[at] = ids[i];
  }
  return sorted;
}

/** The inputs of a trial in the JSON layout (so that a simulate output can be fed back in). */
export function spikesAsPairs(spikes: SpikeTrain): [number, number][] {
  return Array.from(spikes.ids, (id, i): [number, number] => [id, spikes.times[i]]);
}
