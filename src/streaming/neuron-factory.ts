/** Where reference neurons come from: the cell registry of the reference stage. */
import type { Neuron } from '../core/neuron.js';
import { createNeuron } from '../reference/cells/registry.js';

/** options: cell options of the registry (e.g. a compartmental cell's integration `method` and `dt`) */
export type NeuronFactory = (cell: string, options?: Record<string, unknown>) => Neuron | Promise<Neuron>;

export const cellRegistryNeurons: NeuronFactory = (cell, options) => createNeuron(cell, options);
