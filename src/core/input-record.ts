/**
 * How a trial's input spikes came about, as datasets and trial files record it: drawn by a named
 * generator preset with the parameters drawn for the trial, or given from outside (an input file).
 */
export interface DrawnInputRecord {
  preset: string;
  /** names of the generator's synapse groups (columns of the count tables) */
  groups: string[];
  holdMs: number;
  sigmaMs: number;
  nIntervals: number;
  /** spikes per 100 ms per interval and group, row-major [nIntervals, groups] */
  excCounts: number[];
  inhCounts: number[];
}

export interface GivenInputRecord {
  preset: 'given';
}

export type InputRecord = DrawnInputRecord | GivenInputRecord;

export const GIVEN_INPUTS: GivenInputRecord = { preset: 'given' };

export function isDrawn(record: InputRecord): record is DrawnInputRecord {
  return 'holdMs' in record;
}
