/** Test helpers shared by the dataset-generation tests. */
import h5wasm from 'h5wasm/node';
import { workerScriptPath } from '../../../src/dataset/generate.js';

/** Raw bytes of every dataset of an HDF5 file, by path (attributes such as the command line excluded). */
export async function datasetBytes(path: string): Promise<Map<string, Buffer>> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'r');
  const out = new Map<string, Buffer>();
  for (const p of f.paths()) {
    const entity = f.get(p);
    if (entity instanceof h5wasm.Dataset) {
      const v = entity.value as ArrayBufferView;
      out.set(p, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }
  }
  f.close();
  return out;
}

/** Whether the worker pool can run: it runs the compiled worker from dist/ (`npm test` builds first). */
export const haveWorker = ((): boolean => {
  try {
    workerScriptPath();
    return true;
  } catch {
    return false;
  }
})();
