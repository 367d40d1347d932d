/**
 * What a client needs to know about the reference cell of a model to drive and draw it: its synapse
 * counts, label convention and the paper's input statistics for it, and (compartmental cells) the
 * projected morphology. Built once per cell and kept.
 */
import type { PatternGeneratorConfig } from '../../inputs/paper-pattern.js';
import type { LabelConvention } from '../../core/conventions.js';
import { cellInfo } from '../../reference/cells/registry.js';
import { cellMorphologyView, type CellMorphologyView } from '../../reference/cells/cell-morphology.js';

export interface CellSummary {
  cell: string;
  description: string;
  nExc: number;
  nInh: number;
  labelConvention: LabelConvention;
  compartmental: boolean;
  /** the input statistics the paper used for this cell (src/inputs/paper-pattern.ts) */
  paperInputs: PatternGeneratorConfig;
}

export class CellViews {
  private readonly summaries = new Map<string, CellSummary>();
  private readonly morphologies = new Map<string, CellMorphologyView | null>();

  /** Throws RangeError for a cell the registry does not know. */
  summary(cell: string): CellSummary {
    let s = this.summaries.get(cell);
    if (!s) {
      const info = cellInfo(cell);
      s = {
        cell,
        description: info.description,
        nExc: info.nExc,
        nInh: info.nInh,
        labelConvention: info.labelConvention,
        compartmental: info.compartmental,
        paperInputs: info.defaultInputs(),
      };
      this.summaries.set(cell, s);
    }
    return s;
  }

  /** The projected morphology, null for a point neuron; throws RangeError for an unknown cell. */
  morphology(cell: string): CellMorphologyView | null {
    if (!this.morphologies.has(cell)) this.morphologies.set(cell, cellMorphologyView(cell));
    return this.morphologies.get(cell)!;
  }
}
