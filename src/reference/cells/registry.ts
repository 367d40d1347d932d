import type { LabelConvention } from '../conventions.js';
import type { Neuron } from '../neuron.js';
import { IntegrateAndFireNeuron } from '../integrate-and-fire/if-neuron.js';
import { IF_N_EXC, IF_N_INH } from '../integrate-and-fire/parameters.js';
import type { PatternGeneratorConfig } from '../../inputs/paper-pattern.js';
import { ifPaperInputs } from '../../inputs/presets.js';

/**
 * The named reference cells. A compartmental cell plugs in with one entry in CELLS: its counts,
 * label convention, the paper's input statistics for it (e.g. l5pcPaperInputs(lengths, nBasal,
 * nApical, 'nmda')) and a factory.
 */
export type CellOptions = Record<string, unknown>;

export interface CellInfo {
  cell: string;
  description: string;
  nExc: number;
  nInh: number;
  labelConvention: LabelConvention;
  /** the input statistics the paper used for this cell */
  defaultInputs(options?: CellOptions): PatternGeneratorConfig;
}

interface CellEntry {
  info: Omit<CellInfo, 'cell'>;
  create(options: CellOptions): Neuron;
}

const CELLS: Record<string, CellEntry> = {
  if: {
    info: {
      description: "the paper's discrete-time integrate-and-fire neuron (80 exc, 20 inh)",
      nExc: IF_N_EXC,
      nInh: IF_N_INH,
      labelConvention: 'spike-bin',
      defaultInputs: () => ifPaperInputs(),
    },
    create: () => new IntegrateAndFireNeuron(),
  },
};

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
