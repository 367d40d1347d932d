import type { Region } from '../morphology/types.js';

/** Region codes per node; junction nodes (zero area, at branch points) have their own code. */
export const REGION_CODE = { soma: 0, axon: 1, basal: 2, apical: 3, junction: 4 } as const;
export type RegionCode = (typeof REGION_CODE)[keyof typeof REGION_CODE];
export const REGION_OF_CODE: readonly (Region | 'junction')[] = [
  'soma',
  'axon',
  'basal',
  'apical',
  'junction',
];

/**
 * A morphology cut into compartments by the nseg rule and wired as NEURON does (spec §1.3–§1.4):
 * soma node 0, one node per compartment centre, one zero-area junction node per branch point.
 * Nodes are numbered so that parent[i] < i for every i > 0 (the Hines order).
 */
export interface CompartmentTree {
  nNodes: number;
  /** parent node index, -1 for node 0 (the soma) */
  parent: Int32Array;
  /** axial resistance between node i and parent[i], MΩ (0 for node 0) */
  rParent: Float64Array;
  /** membrane area, µm² (0 for junctions) */
  area: Float64Array;
  /** REGION_CODE per node */
  region: Uint8Array;
  /** section id per node (-1 for junctions) */
  section: Int32Array;
  /** index of the compartment within its section (0 = proximal), -1 for junctions */
  segment: Int32Array;
  /** normalised position of the node within its section (compartment centre; 1 for a junction) */
  x: Float64Array;
  /** compartment length L/nseg, µm (0 for junctions) */
  length: Float64Array;
  /** path distance from the soma centre to the node, µm (spec §0) */
  pathDistance: Float64Array;
  /**
   * The distance used for distance-dependent densities (Ih, LVA hot zone): the node's own distance,
   * except for the last compartment of an apical section, which takes its section's distal end
   * (spec §4.16, switchable when the tree is built).
   */
  densityDistance: Float64Array;
  /** nseg per section id */
  nseg: Int32Array;
  /** dendritic compartment nodes in synapse order: basal sections first, then apical (spec §2.3, §5.4) */
  dendriticNodes: Int32Array;
  nBasal: number;
  nApical: number;
  /** longest path distance from the soma centre to an apical tip, µm (normalises Ih, §4.14) */
  longestApicalPath: number;
  /** axial resistivity used, Ω·cm */
  ra: number;
}
