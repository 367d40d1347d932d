/**
 * Input spikes given in a file instead of drawn by the generator (layout in the README, "Input
 * files"): a JSON file of [synapse id, ms] pairs, or one trial of a neurotwin HDF5 dataset.
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DatasetReader, hasHdf5Signature } from './hdf5.js';
import { InputsJsonError, parseInputsJson, type InputFile, type InputsJsonOptions } from './input-json.js';

export { spikesAsPairs } from './input-json.js';

export const INPUTS_FORMAT = 'neurotwin-inputs';

export interface InputFileOptions extends InputsJsonOptions {
  /** HDF5 datasets: which trial (default 0) */
  trial?: number;
}

export type { InputFile } from './input-json.js';

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
  try {
    return parseInputsJson(doc, options);
  } catch (err) {
    if (err instanceof InputsJsonError) throw new InputFileError(path, err.message);
    throw err;
  }
}
