/**
 * The named detailed cells: 'l5pc-nmda' (AMPA+NMDA synapses) and 'l5pc-ampa' (AMPA-only), on the
 * procedural L5PC morphology by default or on any given morphology / compartment tree.
 */
import { buildCompartmentTree, type CompartmentOptions } from '../cable/compartments.js';
import type { CompartmentTree } from '../cable/compartment-tree.js';
import type { BinStepperOptions } from './bin-stepper.js';
import { buildProceduralL5pc } from '../morphology/procedural-l5pc.js';
import type { Morphology } from '../morphology/types.js';
import { CompartmentalLanes } from './compartmental-lanes.js';
import { CompartmentalNeuron } from './compartmental-neuron.js';
import { l5pcModel, type L5pcOptions } from './l5pc-biophysics.js';
import type { CellModel } from '../cable/cell-model.js';

export type L5pcCellId = 'l5pc-nmda' | 'l5pc-ampa';

export interface L5pcCellOptions extends BinStepperOptions, Omit<L5pcOptions, 'synapses' | 'name'> {
  /** morphology to use (default: the procedural L5PC of spec §2.5) */
  morphology?: Morphology;
  /** a ready compartment tree (overrides morphology) */
  tree?: CompartmentTree;
  /** options of buildCompartmentTree (axial resistivity, end-distance quirk Q4) */
  compartments?: CompartmentOptions;
}

let proceduralTree: CompartmentTree | undefined;

/** The compartment tree a cell of these options uses. */
export function l5pcTree(options: L5pcCellOptions = {}): CompartmentTree {
  if (options.tree) return options.tree;
  if (options.morphology) return buildCompartmentTree(options.morphology, options.compartments);
  if (options.compartments) return buildCompartmentTree(buildProceduralL5pc(), options.compartments);
  proceduralTree ??= buildCompartmentTree(buildProceduralL5pc());
  return proceduralTree;
}

/** The cell model (tree + per-node biophysics) of a named L5PC. */
export function l5pcCellModel(id: L5pcCellId, options: L5pcCellOptions = {}): CellModel {
  if (id !== 'l5pc-nmda' && id !== 'l5pc-ampa') {
    throw new RangeError(`unknown L5PC cell '${String(id)}' (expected 'l5pc-nmda' or 'l5pc-ampa')`);
  }
  return l5pcModel(l5pcTree(options), {
    name: id,
    synapses: id === 'l5pc-nmda' ? 'ampa-nmda' : 'ampa',
    skScale: options.skScale,
    ihVShift: options.ihVShift,
    celsius: options.celsius,
  });
}

/** A named L5PC behind the 1-ms Neuron interface. */
export function createL5pc(id: L5pcCellId, options: L5pcCellOptions = {}): CompartmentalNeuron {
  return new CompartmentalNeuron(l5pcCellModel(id, options), options);
}

/** `lanes` trials of a named L5PC in lockstep (cells/compartmental-lanes.ts). */
export function createL5pcLanes(
  id: L5pcCellId,
  lanes: number,
  options: L5pcCellOptions = {},
): CompartmentalLanes {
  return new CompartmentalLanes(l5pcCellModel(id, options), { ...options, lanes });
}
