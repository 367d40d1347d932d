/**
 * Worker thread running one session's reference neuron, so that a slow reference never holds up the
 * event loop (and with it the surrogate stream).
 * In:  {type:'bins', bins: BinnedSpikes} | {type:'flush'}
 * Out: {type:'ready', nExc, nInh, outputDelay} | {type:'out', out: ReferenceOutputs} | {type:'flushed'}
 *      | {type:'error', message}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReferenceStepper } from './reference-stepper.js';
import { cellRegistryNeurons } from './neuron-factory.js';
import type { BinnedSpikes } from '../core/spikes.js';

const port = parentPort!;
const { cell, options } = workerData as { cell: string; options: Record<string, unknown> };

try {
  const neuron = await cellRegistryNeurons(cell, options);
  const stepper = new ReferenceStepper(neuron);
  port.on('message', (msg: { type: 'bins'; bins: BinnedSpikes } | { type: 'flush' }) => {
    try {
      const out = msg.type === 'bins' ? stepper.step(msg.bins) : stepper.flush();
      port.postMessage({ type: 'out', out }, [
        out.voltage.buffer as ArrayBuffer,
        out.spike.buffer as ArrayBuffer,
      ]);
      if (msg.type === 'flush') port.postMessage({ type: 'flushed' });
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message });
    }
  });
  port.postMessage({ type: 'ready', nExc: neuron.nExc, nInh: neuron.nInh, outputDelay: neuron.outputDelay });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message });
}
