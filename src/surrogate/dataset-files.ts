import type { DatasetHeader } from '../dataset/hdf5.js';
import type { Trial } from '../dataset/trial.js';

export interface LoadedDataset {
  header: DatasetHeader;
  trials: Trial[];
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
