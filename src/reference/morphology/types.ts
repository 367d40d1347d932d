/** Morphology: a tree of unbranched sections with 3-D points (µm) and diameters (µm). Spec §1.3–§2. */
export type Region = 'soma' | 'axon' | 'basal' | 'apical';

export interface Point3D {
  x: number;
  y: number;
  z: number;
  /** diameter, µm */
  d: number;
}

export interface Section {
  /** index in Morphology.sections */
  id: number;
  /** e.g. 'soma[0]', 'dend[12]', 'apic[50]', 'axon[1]' (NEURON-style, index within its region) */
  name: string;
  region: Region;
  /** parent section id, -1 for the soma */
  parent: number;
  /** where on the parent it attaches: 0.5 for the soma centre (root sections), 1 for a parent's distal end */
  parentX: number;
  /** at least two points; arc length along the points is the section length */
  points: Point3D[];
}

/**
 * Sections ordered: soma (id 0), axon stubs, basal trees in file order (each depth-first pre-order),
 * then the apical tree depth-first (spec §2.3). Compartment and synapse order follow this order.
 */
export interface Morphology {
  name: string;
  sections: Section[];
}
