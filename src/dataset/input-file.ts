/**
 * Input spikes given in a file instead of drawn by the generator (layout in the README, "Input
 * files"): a JSON file of [synapse id, ms] pairs, or one trial of a neurotwin HDF5 dataset.
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DatasetReader, hasHdf5Signature } from './hdf5.js';
import type { GivenInputs } from './simulate-trial.js';
import { GIVEN_INPUTS } from '../core/input-record.js';
import type { SpikeTrain } from '../core/spikes.js';

export const INPUTS_FORMAT = 'neurotwin-inputs';

export interface InputFileOptions {
  /** synapse counts of the cell the inputs will drive */
  nExc: number;
  nInh: number;
  /** trial length requested by the caller (JSON: required unless the file has durationMs) */
  durationMs?: number;
  /** HDF5 datasets: which trial (default 0) */
  trial?: number;
}

export interface InputFile {
  given: GivenInputs;
  durationMs: number;
}

export class InputFileError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'InputFileError';
  }
}

function isHdf5(path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return true;
  if (ext === '.json') return false;
  const fd = openSync(path, 'r');
  try {
    return hasHdf5Signature(fd);
  } finally {
    closeSync(fd);
  }
}

export async function readInputFile(path: string, options: InputFileOptions): Promise<InputFile> {
  if (!existsSync(path)) throw new InputFileError(path, 'no such input file');
  let hdf5: boolean;
  try {
    hdf5 = isHdf5(path);
  } catch (err) {
    throw new InputFileError(path, `cannot read the input file (${(err as Error).message})`);
  }
  return hdf5 ? readDatasetTrial(path, options) : readJsonInputs(path, options);
}

async function readDatasetTrial(path: string, options: InputFileOptions): Promise<InputFile> {
  let reader: DatasetReader;
  try {
    reader = await DatasetReader.open(path);
  } catch (err) {
    const message = (err as Error).message;
    // the reader's messages already start with the path
    throw new InputFileError(
      path,
      message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message,
    );
  }
  try {
    const h = reader.header;
    if (h.nExc !== options.nExc || h.nInh !== options.nInh) {
      throw new InputFileError(
        path,
        `dataset of cell '${h.cell}' has ${h.nExc}/${h.nInh} synapses, the cell to simulate ${options.nExc}/${options.nInh}`,
      );
    }
    if (options.durationMs !== undefined && options.durationMs !== h.durationMs) {
      throw new InputFileError(
        path,
        `the dataset's trials last ${h.durationMs} ms, not ${options.durationMs} ms (leave out the duration)`,
      );
    }
    const index = options.trial ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= reader.nTrials) {
      throw new InputFileError(path, `trial ${index} does not exist (the file has ${reader.nTrials} trials)`);
    }
    const trial = reader.readTrial(index);
    return {
      given: { exc: trial.exc, inh: trial.inh, seed: trial.seed, generator: trial.generator },
      durationMs: h.durationMs,
    };
  } finally {
    reader.close();
  }
}

function readJsonInputs(path: string, options: InputFileOptions): InputFile {
  if (options.trial !== undefined && options.trial !== 0) {
    throw new InputFileError(path, 'a JSON input file holds one trial; --trial applies to HDF5 datasets');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputFileError(path, `not a JSON input file (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputFileError(path, 'expected a JSON object {"exc": [[id, ms], ...], "inh": [[id, ms], ...]}');
  }
  const o = doc as Record<string, unknown>;
  for (const [key, n] of [
    ['nExc', options.nExc],
    ['nInh', options.nInh],
  ] as const) {
    if (o[key] !== undefined && o[key] !== n) {
      throw new InputFileError(path, `${key} is ${JSON.stringify(o[key])}, the cell to simulate has ${n}`);
    }
  }
  const fileDuration = o.durationMs;
  if (fileDuration !== undefined && !(Number.isInteger(fileDuration) && (fileDuration as number) > 0)) {
    throw new InputFileError(
      path,
      `durationMs must be a positive integer, got ${JSON.stringify(fileDuration)}`,
    );
  }
  const durationMs = options.durationMs ?? (fileDuration as number | undefined);
  if (durationMs === undefined) {
    throw new InputFileError(path, 'the file has no durationMs; give the trial length (--duration)');
  }
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) {
    throw new InputFileError(path, `seed must be an integer in [0, 4294967295], got ${JSON.stringify(seed)}`);
  }
  return {
    given: {
      exc: spikePairs(path, o.exc, 'exc', options.nExc, durationMs),
      inh: spikePairs(path, o.inh, 'inh', options.nInh, durationMs),
      seed: seed as number,
      generator: GIVEN_INPUTS,
    },
    durationMs,
  };
}

/** [[id, ms], ...] → time-sorted sparse spikes (stable: equal times keep the file's order). */
function spikePairs(path: string, value: unknown, key: string, n: number, durationMs: number): SpikeTrain {
  if (value === undefined) return { times: new Int32Array(0), ids: new Int32Array(0) };
  if (!Array.isArray(value))
    throw new InputFileError(path, `"${key}" must be a list of [synapse id, ms] pairs`);
  const ids = new Int32Array(value.length);
  const times = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = value[i];
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InputFileError(
        path,
        `${key}[${i}] must be a [synapse id, ms] pair, got ${JSON.stringify(pair)}`,
      );
    }
    const [id, t] = pair as unknown[];
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= n) {
      throw new InputFileError(
        path,
        `${key}[${i}]: synapse id ${JSON.stringify(id)} is not an integer in [0, ${n})`,
      );
    }
    if (!Number.isInteger(t) || (t as number) < 0 || (t as number) >= durationMs) {
      throw new InputFileError(
        path,
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
