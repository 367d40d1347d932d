/**
 * The TypeScript engine's half of the comparisons: the exported description of a named cell and
 * `runProtocol()` on a description.
 */
import type { CellDescription } from '../../src/reference/neuron-oracle/exchange-format.js';
import { describeNamedCell } from '../../src/reference/cells/describe.js';
import { modelFromDescription } from '../../src/reference/cells/from-description.js';
import { runBinnedTrials } from '../../src/reference/cells/run-binned.js';
import { runProtocol } from '../../src/reference/cells/run-protocol.js';
import type { PaperTrialRunner } from './accuracy.js';
import type { EngineRunner } from './cases.js';

export interface EngineSide {
  /** the CellDescription of a named cell ('l5pc-nmda', 'l5pc-ampa'), or null if unknown */
  describe(cell: string): CellDescription | null;
  run: EngineRunner;
  /** a trial of whole-ms events bin by bin, as datasets run it */
  runPaper: PaperTrialRunner;
}

export const engineSide: EngineSide = {
  run: (cell, protocol) => runProtocol(cell, protocol),
  runPaper: (cell, events, durationMs, setting) => {
    const r = runBinnedTrials(modelFromDescription(cell), [events], durationMs, setting);
    return { soma: r.soma[0], wallSeconds: r.wallSeconds, substepsPerMs: r.substepsPerMs };
  },
  describe: (cell) => {
    try {
      return describeNamedCell(cell);
    } catch (err) {
      if (err instanceof RangeError) return null;
      throw err;
    }
  },
};
