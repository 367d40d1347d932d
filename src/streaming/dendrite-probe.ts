/**
 * Read access to the dendritic compartment voltages of a compartmental reference neuron, in synapse
 * order (compartment j carries excitatory and inhibitory synapse j), as the dataset records them
 * (src/dataset/simulate-trial.ts).
 */
import type { CompartmentalNeuron } from '../reference/cells/compartmental-neuron.js';
import type { Neuron } from '../core/neuron.js';

export interface DendriteProbe {
  /** node index of dendritic compartment j */
  readonly nodes: Int32Array;
  /** membrane voltage per node (mV), updated in place by the neuron */
  readonly v: Float64Array;
}

/** The probe of a compartmental neuron, or null for a point neuron. */
export function dendriteProbe(neuron: Neuron): DendriteProbe | null {
  // structural check: the streaming stage only knows the Neuron interface
  const engine = (neuron as Partial<Pick<CompartmentalNeuron, 'engine'>>).engine;
  const nodes = engine?.model?.synapses?.excNodes;
  if (!engine || !(engine.v instanceof Float64Array) || !(nodes instanceof Int32Array)) return null;
  return { nodes, v: engine.v };
}
