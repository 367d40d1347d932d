/**
 * One layer of a twin as the resident kernels run it. A stage declares its regions in the batch's
 * arena plan when it is made and, each step, turns the previous stage's output rows into its own.
 */
import type { Arena, ArenaPlan, Region } from './arena.js';

/** Activation codes of assembly/twin-kernels.ts */
export const ACTIVATION_CODE = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;
export type ActivationName = keyof typeof ACTIVATION_CODE;

/** The regions every stage may read: the step's input and the slots' clocks and idle flags. */
export interface BatchRegions {
  /** u32 steps taken per slot (state) */
  clock: Region;
  /** u8 per slot: 1 = hold this slot where it is */
  idle: Region;
  /** u32 CSR offsets of the step's synapse ids, slots + 1 entries */
  offsets: Region;
  /** u32 distinct synapse ids of the step */
  ids: Region;
}

export interface Stage {
  /** floats per slot of the output rows */
  readonly width: number;
  /** the output rows [slot][width] */
  readonly out: Region;
  step(arena: Arena, n: number): void | Promise<void>;
}

/** Ring length for a layer that reads `lags` bins back: a power of two, at least lags + 1. */
export function ringLength(lags: number): number {
  let L = 1;
  while (L < lags + 1) L *= 2;
  return L;
}

export type { Arena, ArenaPlan, Region };
