/**
 * A compartmental cell ready to integrate: the node graph plus every membrane parameter per node,
 * exactly as the engine uses them. Built from a biophysics recipe (../cells/l5pc.ts) or from a
 * CellDescription (../cells/from-description.ts); exported to NEURON by ../cells/describe.ts.
 */
import type { MechanismName, SynapseParams } from '../mechanisms/catalogue.js';
import type { CompartmentTree } from './compartment-tree.js';

export interface CaShellModel {
  /** free fraction γ per node (0 where the node has no shell) */
  gamma: Float64Array;
  /** τ_decay per node, ms (0 where the node has no shell) */
  decay: Float64Array;
  /** shell depth δ, µm */
  depth: number;
  /** c_min, mM */
  minCai: number;
  /** initial [Ca]i, mM */
  initCai: number;
}

export interface CellModel {
  /** cell id, e.g. 'l5pc-nmda' */
  name: string;
  tree: CompartmentTree;
  /** specific capacitance per node, µF/cm² */
  cm: Float64Array;
  /** leak conductance density per node, S/cm² */
  gPas: Float64Array;
  /** leak reversal per node, mV */
  ePas: Float64Array;
  /** reversal potentials per node, mV */
  ena: Float64Array;
  ek: Float64Array;
  eh: Float64Array;
  /** maximal conductance density per node (S/cm²); a node has a mechanism where its density is > 0 */
  mechanisms: Partial<Record<MechanismName, Float64Array>>;
  caShell: CaShellModel;
  /** Ih voltage shift V_s, mV */
  ihVShift: number;
  /** temperature for the Nernst E_Ca, °C */
  celsius: number;
  /** initial membrane potential, mV */
  vInit: number;
  synapses: {
    exc: SynapseParams;
    inh: SynapseParams;
    /** node of excitatory synapse id k */
    excNodes: Int32Array;
    /** node of inhibitory synapse id k */
    inhNodes: Int32Array;
  };
}
