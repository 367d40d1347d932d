import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: BackendName | undefined;

/**
 * Pick the fastest tfjs backend that loads here: tfjs-node (optional, native TensorFlow), else the
 * wasm backend (SIMD, single thread in Node), else the pure-JS cpu backend. `prefer` forces one
 * (e.g. 'cpu' in small tests). Logs the choice through `log` once.
 */
export async function selectBackend(
  prefer?: BackendName,
  log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<BackendName> {
  if (chosen && (!prefer || prefer === chosen)) return chosen;
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (await tryBackend(name)) {
      chosen = name;
      log(`tfjs backend: ${name}`);
      return name;
    }
  }
  throw new Error(`no tfjs backend could be loaded (tried ${order.join(', ')})`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // Optional dependency: not installed on machines without internet access to libtensorflow.
      const mod = 'tfjs-node';
      await import(`@tensorflow/${mod}`);
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = path.join(
        path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
        'dist',
      );
      wasm.setWasmPaths(dist + path.sep);
    }
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}
