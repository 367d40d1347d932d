/** Where reference neurons come from: the cell registry of the reference stage. */
import type { Neuron } from '../core/neuron.js';
import { createNeuron } from '../reference/cells/registry.js';

export type NeuronFactory = (cell: string) => Neuron | Promise<Neuron>;

export const cellRegistryNeurons: NeuronFactory = (cell) => createNeuron(cell);
