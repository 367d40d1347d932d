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

export interface WorkerReply {
  index: number;
  /** wall time of the trial, ms */
  ms: number;
  error?: string;
}
