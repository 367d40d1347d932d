/** Messages between generate.ts and its worker threads. */
export interface WorkerInit {
  cell: string;
  durationMs: number;
  neuronOptions?: Record<string, unknown>;
  /** record every dendritic compartment's voltage per bin */
  recordDendrites?: boolean;
  /** input family (default: the paper's statistics) */
  family?: string;
}

export interface TrialJob {
  index: number;
  seed: number;
  /** part file to write */
  path: string;
}

/**
 * What a worker is sent: the trials it steps together in lockstep (one lane each; a batch of one
 * is a plain trial). It replies once per trial.
 */
export type TrialBatch = TrialJob[];

export interface WorkerReply {
  index: number;
  /** wall time of the trial, ms (of a batch: its share, the batch's time over its trial count) */
  ms: number;
  error?: string;
}
