/**
 * Where reference neurons come from: the cell registry's createNeuron (src/reference/cells/registry.ts),
 * loaded lazily so that the server starts even while that stage is missing.
 */
import type { Neuron } from '../reference/neuron.js';

/** options: cell options of the registry (e.g. a compartmental cell's integration `method` and `dt`) */
export type NeuronFactory = (cell: string, options?: Record<string, unknown>) => Neuron | Promise<Neuron>;

const CELL_REGISTRY = '../reference/cells/registry.js';

export async function loadNeuronFactory(): Promise<NeuronFactory> {
  let mod: { createNeuron?: NeuronFactory };
  try {
    mod = (await import(CELL_REGISTRY)) as { createNeuron?: NeuronFactory };
  } catch (err) {
    throw new Error(
      `reference neurons unavailable: cannot load the cell registry (${(err as Error).message})`,
    );
  }
  if (typeof mod.createNeuron !== 'function')
    throw new Error('the cell registry exports no createNeuron(cell)');
  return mod.createNeuron;
}
