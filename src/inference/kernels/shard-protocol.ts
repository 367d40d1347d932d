/**
 * What a ShardedBatch and its shard workers (shard-worker.ts) say to each other. Requests travel
 * on a MessagePort that the worker reads synchronously; each one is announced, and answered, by a
 * counter in shared memory, which either side spins on for a moment before it sleeps: a thread
 * woken from sleep, on a futex or by its event loop, is slow to run again on a virtual machine
 * (`node dist/benchmarks/scripts/thread-wake.js` measures the round trips).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ModelManifest } from '../../core/manifest.js';
import type { KernelBatch } from './kernel-batch.js';

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

/** Typed views on a shard's buffers. */
export interface ShardViews {
  /** offsets[0..n] then ids */
  words: Uint32Array<ArrayBufferLike>;
  idle: Uint8Array<ArrayBufferLike>;
  /** voltage[0..capacity) then spikeProb[0..capacity) */
  out: Float32Array<ArrayBufferLike>;
  capacity: number;
}

export function shardViews(b: ShardBuffers): ShardViews {
  return {
    words: new Uint32Array(b.input),
    idle: new Uint8Array(b.idle),
    out: new Float32Array(b.output),
    capacity: b.capacity,
  };
}

/**
 * What a shard does with a request, on whichever thread holds its batch: the slot changes in
 * order, then the step on the CSR and idle flags in its buffers, its outputs written back there.
 */
export function carryOut(batch: KernelBatch, ops: number[], step: ShardRequest['step'], v: ShardViews): void {
  for (let i = 0; i < ops.length; i++) {
    if (ops[i] === ADD) batch.addSlot();
    else batch.removeSlot(ops[++i]);
  }
  if (!step) return;
  const { n, bins, idsAt } = step;
  batch.stepSync({ offsets: v.words, ids: v.words.subarray(idsAt) }, v.idle, bins);
  v.out.set(batch.voltage.subarray(0, n * bins), 0);
  v.out.set(batch.spikeProb.subarray(0, n * bins), v.capacity);
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
