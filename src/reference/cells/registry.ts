import type { LabelConvention } from '../../core/conventions.js';
import type { Neuron } from '../../core/neuron.js';
import { IntegrateAndFireNeuron } from '../integrate-and-fire/if-neuron.js';
import { IF_N_EXC, IF_N_INH } from '../integrate-and-fire/parameters.js';
import type { PatternGeneratorConfig } from '../../inputs/paper-pattern.js';
import { ifPaperInputs, l5pcPaperInputs } from '../../inputs/presets.js';
import { readMorphologyFile } from '../morphology/read.js';
import type { Morphology } from '../morphology/types.js';
import type { CompartmentalLanes } from './compartmental-lanes.js';
import { createL5pc, createL5pcLanes, l5pcTree, type L5pcCellOptions } from './l5pc.js';
import { resolveIntegration } from '../integration.js';

/**
 * The named reference cells. A compartmental cell plugs in with one entry in CELLS: its counts,
 * label convention, the paper's input statistics for it (e.g. l5pcPaperInputs(lengths, nBasal,
 * nApical, 'nmda')) and a factory.
 */
export type CellOptions = Record<string, unknown>;

/**
 * Cell options every compartmental cell understands besides its own: `morphologyFile`, the path of
 * a .swc/.asc morphology (plain JSON, so it can travel to worker threads and into run records), and
 * the integration `method`, `dt` and `spikeDt` (default: DEFAULT_INTEGRATION).
 */
export interface MorphologyFileOption {
  morphologyFile?: string;
}

export interface CellInfo {
  cell: string;
  description: string;
  nExc: number;
  nInh: number;
  labelConvention: LabelConvention;
  /** built on a morphology (takes the morphology / morphologyFile options) */
  compartmental: boolean;
  /** the input statistics the paper used for this cell */
  defaultInputs(options?: CellOptions): PatternGeneratorConfig;
}

interface CellEntry {
  info: Omit<CellInfo, 'cell'>;
  create(options: CellOptions): Neuron;
  /** several trials in lockstep (compartmental cells) */
  createLanes?(options: CellOptions, lanes: number): CompartmentalLanes;
}

const CELLS: Record<string, CellEntry> = {
  if: {
    info: {
      description: "the paper's discrete-time integrate-and-fire neuron (80 exc, 20 inh)",
      nExc: IF_N_EXC,
      nInh: IF_N_INH,
      labelConvention: 'spike-bin',
      compartmental: false,
      defaultInputs: () => ifPaperInputs(),
    },
    create: (options) => {
      rejectMorphology('if', options);
      return new IntegrateAndFireNeuron();
    },
  },
  'l5pc-nmda': l5pcEntry('l5pc-nmda', 'nmda', 'AMPA+NMDA'),
  'l5pc-ampa': l5pcEntry('l5pc-ampa', 'ampa', 'AMPA-only'),
};

/** A detailed L5PC (procedural morphology unless options name another): 639 exc + 639 inh synapses. */
function l5pcEntry(id: 'l5pc-nmda' | 'l5pc-ampa', dataset: 'nmda' | 'ampa', synapses: string): CellEntry {
  return {
    info: {
      description: `detailed layer-5 pyramidal cell (Hay et al. 2011), ${synapses} synapses, one exc + one inh per dendritic compartment`,
      nExc: 639,
      nInh: 639,
      labelConvention: 'half-bin-offset',
      compartmental: true,
      defaultInputs: (options = {}) => {
        const tree = l5pcTree(withMorphology(options));
        const lengths = Array.from(tree.dendriticNodes, (i) => tree.length[i]);
        return l5pcPaperInputs(lengths, tree.nBasal, tree.nApical, dataset);
      },
    },
    create: (options) => createL5pc(id, withIntegration(withMorphology(options))),
    createLanes: (options, lanes) => createL5pcLanes(id, lanes, withIntegration(withMorphology(options))),
  };
}

function rejectMorphology(cell: string, options: CellOptions): void {
  if (options.morphology !== undefined || options.morphologyFile !== undefined) {
    throw new RangeError(`cell '${cell}' is a point neuron and takes no morphology`);
  }
}

/**
 * The options with `method`, `dt` and `spikeDt` checked and resolved (resolveIntegration: absent
 * ones DEFAULT_INTEGRATION's, spikeDt null for none).
 */
function withIntegration(options: L5pcCellOptions): L5pcCellOptions {
  const { method, dt, spikeDt, ...rest } = options as L5pcCellOptions & {
    method?: unknown;
    dt?: unknown;
    spikeDt?: unknown;
  };
  if (method !== undefined && typeof method !== 'string')
    throw new RangeError(`method must be a string, got ${JSON.stringify(method)}`);
  if (dt !== undefined && typeof dt !== 'number')
    throw new RangeError(`dt must be a number, got ${JSON.stringify(dt)}`);
  if (spikeDt !== undefined && spikeDt !== null && typeof spikeDt !== 'number')
    throw new RangeError(`spikeDt must be a number or null, got ${JSON.stringify(spikeDt)}`);
  return { ...rest, ...resolveIntegration({ method, dt, spikeDt }) };
}

/** Morphologies read per path, so that the inputs and the cell of one run share one reading. */
const morphologyCache = new Map<string, Morphology>();

/** The L5PC options with `morphologyFile` (if any) read into `morphology`. */
function withMorphology(options: CellOptions): L5pcCellOptions {
  const { morphologyFile, ...rest } = options as L5pcCellOptions & MorphologyFileOption;
  if (morphologyFile === undefined) return rest;
  if (typeof morphologyFile !== 'string' || morphologyFile === '') {
    throw new RangeError(`morphologyFile must be a file path, got ${JSON.stringify(morphologyFile)}`);
  }
  if (rest.morphology || rest.tree)
    throw new RangeError('give either morphologyFile or morphology/tree, not both');
  let morphology = morphologyCache.get(morphologyFile);
  if (!morphology) {
    morphology = readMorphologyFile(morphologyFile);
    morphologyCache.set(morphologyFile, morphology);
  }
  return { ...rest, morphology };
}

export function knownCells(): string[] {
  return Object.keys(CELLS);
}

function entryOf(cell: string): CellEntry {
  const entry = Object.prototype.hasOwnProperty.call(CELLS, cell) ? CELLS[cell] : undefined;
  if (!entry) throw new RangeError(`unknown cell '${cell}' (known cells: ${knownCells().join(', ')})`);
  return entry;
}

export function cellInfo(cell: string): CellInfo {
  return { cell, ...entryOf(cell).info };
}

export function createNeuron(cell: string, options: CellOptions = {}): Neuron {
  return entryOf(cell).create(options);
}

/** Whether trials of a cell can be stepped in lockstep (createLanes). */
export function hasLanes(cell: string): boolean {
  return entryOf(cell).createLanes !== undefined;
}

/** `lanes` trials of a compartmental cell in lockstep, each lane the same to the bit as createNeuron's cell. */
export function createLanes(cell: string, lanes: number, options: CellOptions = {}): CompartmentalLanes {
  const create = entryOf(cell).createLanes;
  if (!create)
    throw new RangeError(`cell '${cell}' is a point neuron: trials in lockstep need a compartmental cell`);
  return create(options, lanes);
}
