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
  /** u32 CSR offsets of the step's synapse ids, one row per (slot, bin) plus one */
  offsets: Region;
  /** u32 distinct synapse ids of the step */
  ids: Region;
}

/** Most bins one call steps (rows of the per-step arrays per slot; rings hold a block more). */
export const MAX_BLOCK = 16;

/** Throws unless `bins` is a block a kernel batch can step at once. */
export function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BLOCK)
    throw new RangeError(`bins per step must be an integer in [1, ${MAX_BLOCK}], got ${bins}`);
}

export interface Stage {
  /** floats per (slot, bin) of the output rows */
  readonly width: number;
  /** the output rows [slot · T + bin][width] of the slots being stepped (from the region's start) */
  readonly out: Region;
  /** slots first .. first + n − 1 by T bins (their state is at slotAt(region, first)) */
  step(arena: Arena, n: number, T: number, first: number): void;
  /** releases what the stage holds outside the arena (onnxruntime sessions) */
  dispose?(): void;
  /** Slot `slot` was just added (at rest): set what the stage keeps per slot besides zeros. */
  slotAdded?(arena: Arena, slot: number): void;
  /**
   * Slot `slot`'s clock was moved (its rings turned with it, Arena.rotateSlot): forget what the
   * stage keeps by the old clock's numbering.
   */
  clockMoved?(arena: Arena, slot: number): void;
}

/**
 * Byte offset of slot `first`'s part of a per-slot region (state, clocks, idle flags), or of its
 * row at position 0 of a ring (the kernels step from there by the arena's capacity in rows).
 */
export function slotAt(r: Region, first: number): number {
  return r.offset + first * r.slotStride;
}

/**
 * Scratch (rows, panels, windows) that the slots stepped together, layer after layer, may fill:
 * about a core's share of the last-level cache, so that a chunk's rows are still there when the
 * next layer reads them. It pays for large batches of a model with much scratch per row
 * (l5pc-nmda-factored: about 3 KiB, so chunks of ~135 slots of 16 bins); a model with little
 * (if-paper) keeps one chunk, as each chunk costs a run per onnxruntime layer.
 */
export const CHUNK_SCRATCH_BYTES = 6 * 1024 * 1024;

/** Slots per chunk for blocks of T bins, given the scratch bytes per (slot, bin) row. */
export function chunkSlots(T: number, scratchBytesPerRow: number): number {
  return Math.max(1, Math.floor(CHUNK_SCRATCH_BYTES / Math.max(1, scratchBytesPerRow) / T));
}

/**
 * Ring length for a layer that reads `lags` bins back: a power of two with room for a block's
 * rows beyond them (a block pushes all its rows before the layer reads the first one's taps).
 */
export function ringLength(lags: number): number {
  let L = 1;
  while (L < lags + MAX_BLOCK) L *= 2;
  return L;
}

export type { Arena, ArenaPlan, Region };
