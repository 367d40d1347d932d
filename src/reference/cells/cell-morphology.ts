/**
 * The morphology of a named reference cell as the streaming server builds it (default options:
 * the procedural L5PC), projected to 2-D, with the compartment of every synapse.
 */
import { buildProceduralL5pc } from '../morphology/procedural-l5pc.js';
import { projectMorphology, type ProjectedMorphology } from '../morphology/projection.js';
import { CompartmentalNeuron } from './compartmental-neuron.js';
import { cellInfo, createNeuron } from './registry.js';

export interface CellMorphologyView extends ProjectedMorphology {
  cell: string;
  /** dendritic compartment index (into `compartments`) of each excitatory / inhibitory synapse */
  excCompartment: number[];
  inhCompartment: number[];
}

/** The projected default morphology of `cell`, or null for a point neuron. */
export function cellMorphologyView(cell: string): CellMorphologyView | null {
  if (!cellInfo(cell).compartmental) return null;
  const neuron = createNeuron(cell);
  if (!(neuron instanceof CompartmentalNeuron)) {
    throw new Error(`cell '${cell}' is registered as compartmental but is not a CompartmentalNeuron`);
  }
  const model = neuron.engine.model;
  // the cells' default morphology (src/reference/cells/l5pc.ts builds its tree from the same)
  const morphology = buildProceduralL5pc();
  const projection = projectMorphology(morphology, model.tree);
  const compartmentOfNode = new Map<number, number>();
  model.tree.dendriticNodes.forEach((node, j) => compartmentOfNode.set(node, j));
  const compartmentsOf = (nodes: Int32Array, kind: string): number[] =>
    Array.from(nodes, (node, k) => {
      const j = compartmentOfNode.get(node);
      if (j === undefined)
        throw new Error(`${cell}: ${kind} synapse ${k} sits on node ${node}, not a dendritic compartment`);
      return j;
    });
  return {
    cell,
    ...projection,
    excCompartment: compartmentsOf(model.synapses.excNodes, 'excitatory'),
    inhCompartment: compartmentsOf(model.synapses.inhNodes, 'inhibitory'),
  };
}
