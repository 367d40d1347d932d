/** What a ShardedBatch and its shard workers (shard-worker.ts) say to each other. */
import type { ModelManifest } from '../../core/manifest.js';

export interface ShardInit {
  manifest: ModelManifest;
  stepPath: string;
  capacity: number;
}

export interface ShardBuffers {
  /** u32: offsets[0..n] then ids */
  input: SharedArrayBuffer;
  idle: SharedArrayBuffer;
  /** f32: voltage[0..capacity) then spikeProb[0..capacity) */
  output: SharedArrayBuffer;
  capacity: number;
}

/** parent → shard: slot changes in order, then (optionally) one step of n slots */
export interface ShardRequest {
  ops: number[];
  buffers?: ShardBuffers;
  /** n slots by `bins` bins; the CSR's ids start at word idsAt of the input buffer */
  step?: { n: number; bins: number; idsAt: number };
  dispose?: boolean;
}

/** shard → parent */
export type ShardReply = { ready: true } | { done: true } | { error: string };

/** slot changes: ADD, or REMOVE followed by the local slot */
export const ADD = -1;
export const REMOVE = -2;
