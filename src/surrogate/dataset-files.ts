import type { Trial } from '../dataset/trial.js';

/**
 * Reads the trials of a dataset file through the dataset stage's HDF5 reader. Imported lazily so
 * that training code (and its tests on in-memory trials) does not load h5wasm.
 */
export async function readTrialFile(file: string): Promise<Trial[]> {
  const modulePath = '../dataset/hdf5.js';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modulePath)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load the HDF5 dataset reader (${modulePath}): ${err instanceof Error ? err.message : String(err)}`);
  }
  const reader = mod.readTrials ?? mod.readDataset;
  if (typeof reader !== 'function') throw new Error(`${modulePath} exports no readTrials(file) function`);
  const result = (await (reader as (f: string) => unknown)(file)) as Trial[] | { trials: Trial[] };
  const trials = Array.isArray(result) ? result : result.trials;
  if (!Array.isArray(trials) || trials.length === 0) throw new Error(`${file} holds no trials`);
  return trials;
}
