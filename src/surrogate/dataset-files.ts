import type { DatasetHeader } from '../dataset/hdf5.js';
import type { Trial } from '../dataset/trial.js';

export interface LoadedDataset {
  header: DatasetHeader;
  trials: Trial[];
}

/** Several dataset files read as one: their trials in order, and every file's header. */
export interface LoadedDatasets extends LoadedDataset {
  headers: DatasetHeader[];
  files: string[];
}

/**
 * Reads a dataset file through the dataset stage's HDF5 reader, imported lazily so that training
 * code (and its tests on in-memory trials) does not load h5wasm.
 */
export async function readTrialFile(file: string): Promise<LoadedDataset> {
  const { readDataset } = await import('../dataset/hdf5.js');
  const data = await readDataset(file);
  if (data.trials.length === 0) throw new Error(`${file} holds no trials`);
  return data;
}

/**
 * Reads and concatenates dataset files of one cell (e.g. training shards made with different base
 * seeds). Files must agree on what a trial is: cell, synapse counts, label convention, morphology
 * and integrator.
 */
export async function readTrialFiles(files: readonly string[]): Promise<LoadedDatasets> {
  if (files.length === 0) throw new Error('no dataset files given');
  const loaded = [];
  for (const file of files) loaded.push(await readTrialFile(file));
  const first = loaded[0].header;
  const same: (keyof DatasetHeader)[] = [
    'cell',
    'nExc',
    'nInh',
    'labelConvention',
    'morphology',
    'integrationMethod',
    'dtMs',
    'spikeDtMs',
  ];
  loaded.forEach(({ header }, i) => {
    for (const key of same) {
      if (header[key] !== first[key])
        throw new Error(
          `${files[i]} has ${key} ${JSON.stringify(header[key])}, ${files[0]} has ${JSON.stringify(first[key])}: datasets cannot be combined`,
        );
    }
  });
  return {
    header: first,
    headers: loaded.map((l) => l.header),
    files: [...files],
    trials: loaded.flatMap((l) => l.trials),
  };
}

/** Simulated hours in a set of trials. */
export function simulatedHours(trials: readonly Trial[]): number {
  return trials.reduce((ms, t) => ms + t.durationMs, 0) / 3.6e6;
}

/** Input events (excitatory and inhibitory) per ms over a set of trials. */
export function meanEventsPerMs(trials: readonly Trial[]): number {
  let events = 0;
  let ms = 0;
  for (const t of trials) {
    events += t.exc.times.length + t.inh.times.length;
    ms += t.durationMs;
  }
  return ms > 0 ? events / ms : 0;
}
