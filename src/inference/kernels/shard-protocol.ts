/**
 * What a ShardedBatch and its shard workers (shard-worker.ts) say to each other. Requests travel
 * on a MessagePort that the worker reads synchronously; each one is announced, and answered, by a
 * counter in shared memory, which either side spins on for a moment before it sleeps: a thread
 * woken from sleep, on a futex or by its event loop, is slow to run again on a virtual machine
 * (`node dist/benchmarks/scripts/thread-wake.js` measures the round trips).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ModelManifest } from '../../core/manifest.js';

export interface ShardInit {
  manifest: ModelManifest;
  stepPath: string;
  capacity: number;
  /** Int32Array over it: the CONTROL_WORDS below */
  control: SharedArrayBuffer;
  /** requests in, error messages out */
  port: MessagePort;
}

/** control words: requests posted, requests answered, the last request that failed */
export const REQUESTED = 0;
export const ANSWERED = 1;
export const FAILED = 2;
export const CONTROL_WORDS = 3;

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

/** shard → parent, on the worker's parentPort once its batch is made */
export type ShardReady = { ready: true } | { error: string };

/** slot changes: ADD, or REMOVE followed by the local slot */
export const ADD = -1;
export const REMOVE = -2;

/** How long a worker spins for the next request before it sleeps (a step's gap, with room). */
export const WORKER_SPIN_MS = 0.3;
/** How long the parent spins for a shard's answer before it waits on the event loop. */
export const PARENT_SPIN_MS = 2;

/** Spins until control[word] !== seen or `ms` have passed; true if it changed. */
export function spinWhile(control: Int32Array, word: number, seen: number, ms: number): boolean {
  if (Atomics.load(control, word) !== seen) return true;
  const until = performance.now() + ms;
  while (performance.now() < until) if (Atomics.load(control, word) !== seen) return true;
  return false;
}
