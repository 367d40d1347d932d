/**
 * Recordings of a network run in one HDF5 file, readable with h5py, in the SONATA layouts:
 *   /spikes                               attribute magic 0x0a7a
 *   /spikes/<population>/timestamps       float64 [S]  spike bin start, ms (attribute units 'ms')
 *   /spikes/<population>/node_ids         uint64  [S]  neuron index in the population
 *                                         (group attribute sorting 'by_time')
 *   /report/<population>/data             float32 [T, n]  soma voltage per 1-ms bin, mV (units 'mV')
 *   /report/<population>/mapping/node_ids        uint64 [n]   the recorded neurons
 *   /report/<population>/mapping/element_ids     uint64 [n]   0 (the soma)
 *   /report/<population>/mapping/index_pointers  uint64 [n+1]
 *   /report/<population>/mapping/time            float64 [3]  start, stop, dt (ms)
 * Root attributes: format 'neurotwin-network', populations (JSON: name, kind, size), duration_ms.
 * The file is written under a temporary name and renamed when complete.
 */
import { commitTemporary, discardTemporary, temporaryPath } from '../core/atomic-file.js';
import h5wasm from 'h5wasm/node';
import type { SpikeRecorder, VoltageRecorder } from './recorders.js';

export interface NetworkFileContents {
  durationMs: number;
  populations: { name: string; kind: string; size: number }[];
  spikes: SpikeRecorder[];
  voltages: VoltageRecorder[];
  commandLine?: string;
}

export async function writeNetworkFile(path: string, c: NetworkFileContents): Promise<void> {
  await h5wasm.ready;
  const temp = temporaryPath(path);
  const f = new h5wasm.File(temp, 'w');
  try {
    f.create_attribute('format', 'neurotwin-network');
    f.create_attribute('populations', JSON.stringify(c.populations));
    f.create_attribute('duration_ms', c.durationMs);
    if (c.commandLine) f.create_attribute('command_line', c.commandLine);
    const spikes = f.create_group('spikes');
    spikes.create_attribute('magic', 0x0a7a, null, '<I');
    for (const r of c.spikes) {
      const g = f.create_group(`spikes/${r.population}`);
      g.create_attribute('sorting', 'by_time');
      const ts = f.create_dataset({
        name: `spikes/${r.population}/timestamps`,
        data: Float64Array.from(r.times.subarray(0, r.count)),
        dtype: '<d',
      });
      ts.create_attribute('units', 'ms');
      f.create_dataset({
        name: `spikes/${r.population}/node_ids`,
        data: BigUint64Array.from(r.neurons.subarray(0, r.count), (x) => BigInt(x)),
        dtype: '<Q',
      });
    }
    if (c.voltages.length) f.create_group('report');
    for (const r of c.voltages) {
      const n = r.neurons.length;
      f.create_group(`report/${r.population}`);
      const d = f.create_dataset({
        name: `report/${r.population}/data`,
        data: r.values(),
        shape: [r.bins, n],
        dtype: '<f',
      });
      d.create_attribute('units', 'mV');
      f.create_group(`report/${r.population}/mapping`);
      const u64 = (name: string, values: ArrayLike<number>) =>
        f.create_dataset({
          name: `report/${r.population}/mapping/${name}`,
          data: BigUint64Array.from(Array.from(values), (x) => BigInt(x)),
          dtype: '<Q',
        });
      u64('node_ids', r.neurons);
      u64('element_ids', new Array<number>(n).fill(0));
      u64(
        'index_pointers',
        Array.from({ length: n + 1 }, (_, i) => i),
      );
      const time = f.create_dataset({
        name: `report/${r.population}/mapping/time`,
        data: Float64Array.of(0, r.bins, 1),
        dtype: '<d',
      });
      time.create_attribute('units', 'ms');
    }
    f.close();
  } catch (err) {
    f.close();
    discardTemporary(temp);
    throw err;
  }
  commitTemporary(temp, path);
}
