/**
 * A thread of the reference pool: runs the reference neurons of any number of sessions, so that
 * building a cell and stepping it never hold up the event loop (and with it the surrogate stream).
 * Messages are handled in arrival order, so each session's outputs stay in bin order.
 * Data: {cellOptions?, prewarm?: cell names built once at start (their module caches warm, one
 *       spare neuron kept ready)}
 * In:  {type:'open', id, cell, dendrites} | {type:'bins', id, bins} | {type:'flush', id} | {type:'stop', id}
 * Out: {type:'ready', id, nExc, nInh, outputDelay, nDendrites} | {type:'out', id, out} | {type:'flushed', id}
 *      | {type:'error', id, message}
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Neuron } from '../core/neuron.js';
import type { BinnedSpikes } from '../core/spikes.js';
import { ReferenceStepper } from './reference-stepper.js';
import { cellRegistryNeurons } from './neuron-factory.js';

export type ReferenceWorkerRequest =
  | { type: 'open'; id: number; cell: string; dendrites: boolean }
  | { type: 'bins'; id: number; bins: BinnedSpikes }
  | { type: 'flush'; id: number }
  | { type: 'stop'; id: number };

const port = parentPort!;
const { cellOptions = {}, prewarm = [] } = workerData as {
  cellOptions?: Record<string, unknown>;
  prewarm?: string[];
};

/** one ready neuron per prewarmed cell, handed to the next open of that cell */
const spares = new Map<string, Neuron>();
const steppers = new Map<number, ReferenceStepper>();

async function build(cell: string): Promise<Neuron> {
  return cellRegistryNeurons(cell, cellOptions);
}

function refillSpare(cell: string): void {
  if (!prewarm.includes(cell) || spares.has(cell)) return;
  setImmediate(() => {
    build(cell).then(
      (n) => void spares.set(cell, n),
      () => undefined,
    );
  });
}

async function open(id: number, cell: string, dendrites: boolean): Promise<void> {
  const spare = spares.get(cell);
  spares.delete(cell);
  const neuron = spare ?? (await build(cell));
  const stepper = new ReferenceStepper(neuron, { dendrites });
  steppers.set(id, stepper);
  port.postMessage({
    type: 'ready',
    id,
    nExc: neuron.nExc,
    nInh: neuron.nInh,
    outputDelay: neuron.outputDelay,
    nDendrites: stepper.nDendrites,
  });
  refillSpare(cell);
}

function step(id: number, stepper: ReferenceStepper, bins: BinnedSpikes | null): void {
  const out = bins ? stepper.step(bins) : stepper.flush();
  const buffers = [out.voltage.buffer, out.spike.buffer];
  if (out.dendriticVoltage) buffers.push(out.dendriticVoltage.buffer);
  port.postMessage({ type: 'out', id, out }, buffers as ArrayBuffer[]);
}

/** messages of sessions whose neuron is still being built, in arrival order */
const waiting = new Map<number, ReferenceWorkerRequest[]>();

function handle(msg: ReferenceWorkerRequest): void {
  const fail = (err: unknown) => {
    steppers.delete(msg.id);
    waiting.delete(msg.id);
    port.postMessage({ type: 'error', id: msg.id, message: (err as Error).message });
  };
  if (msg.type === 'open') {
    waiting.set(msg.id, []);
    open(msg.id, msg.cell, msg.dendrites).then(() => {
      const queued = waiting.get(msg.id) ?? [];
      waiting.delete(msg.id);
      for (const m of queued) handle(m);
    }, fail);
    return;
  }
  const queue = waiting.get(msg.id);
  if (queue) {
    queue.push(msg);
    return;
  }
  if (msg.type === 'stop') {
    steppers.delete(msg.id);
    return;
  }
  const stepper = steppers.get(msg.id);
  if (!stepper) return;
  try {
    step(msg.id, stepper, msg.type === 'bins' ? msg.bins : null);
    if (msg.type === 'flush') port.postMessage({ type: 'flushed', id: msg.id });
  } catch (err) {
    fail(err);
  }
}

for (const cell of prewarm) {
  try {
    spares.set(cell, await build(cell));
  } catch {
    // not a cell of this registry (e.g. a test model's neuron): opens of it fail on their own
  }
}
port.on('message', handle);
port.postMessage({ type: 'warm' });
