/**
 * Worker thread running one session's reference neuron, so that a slow reference never holds up the
 * event loop (and with it the surrogate stream).
 * Data: {cell, dendrites?}
 * In:  {type:'bins', bins: BinnedSpikes} | {type:'flush'}
 * Out: {type:'ready', nExc, nInh, outputDelay, nDendrites} | {type:'out', out: ReferenceOutputs} | {type:'flushed'}
 *      | {type:'error', message}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReferenceStepper } from './reference-stepper.js';
import { cellRegistryNeurons } from './neuron-factory.js';
import type { BinnedSpikes } from '../core/spikes.js';

const port = parentPort!;
const {
  cell,
  dendrites = false,
  cellOptions = {},
} = workerData as { cell: string; dendrites?: boolean; cellOptions?: Record<string, unknown> };

try {
  const neuron = await cellRegistryNeurons(cell, cellOptions);
  const stepper = new ReferenceStepper(neuron, { dendrites });
  port.on('message', (msg: { type: 'bins'; bins: BinnedSpikes } | { type: 'flush' }) => {
    try {
      const out = msg.type === 'bins' ? stepper.step(msg.bins) : stepper.flush();
      const buffers = [out.voltage.buffer, out.spike.buffer];
      if (out.dendriticVoltage) buffers.push(out.dendriticVoltage.buffer);
      port.postMessage({ type: 'out', out }, buffers as ArrayBuffer[]);
      if (msg.type === 'flush') port.postMessage({ type: 'flushed' });
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message });
    }
  });
  port.postMessage({
    type: 'ready',
    nExc: neuron.nExc,
    nInh: neuron.nInh,
    outputDelay: neuron.outputDelay,
    nDendrites: stepper.nDendrites,
  });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).message });
}
