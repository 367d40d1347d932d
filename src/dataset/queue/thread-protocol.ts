/** Messages between a queue worker's main thread and its simulation threads (trial-thread.ts). */
export interface ThreadRequest {
  id: number;
  cell: string;
  durationMs: number;
  /** cell options including method, dt and a local morphologyFile */
  neuronOptions: Record<string, unknown>;
  dendrites: boolean;
  seed: number;
}

export type ThreadReply =
  { id: number; ms: number; bytes: Uint8Array } | { id: number; error: string; refused: boolean };
