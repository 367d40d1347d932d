/**
 * A depthwise-conv layer resident: a ring of its last L input rows per slot, read three ways.
 *   - Blocks of BLOCK_MIN_BINS or more bins: one batched Toeplitz product per block
 *     (depthwise-toeplitz.ts), every output of the block at once.
 *   - Fewer bins with a long kernel (k ≥ 2P), partitioned: the taps that look P = MAX_BLOCK or more
 *     bins back depend only on rows before the bin's period of P bins, so they are summed once per
 *     period and slot, by a Toeplitz product over the slots that enter a new period; each bin then
 *     sums only its P most recent taps in the ring kernel and adds its period's row. Each slot's
 *     periods are offset by its own phase (slotAdded), so that of slots on one clock about n / P
 *     enter a period each step: the same work as one product over all of them every P steps
 *     (within the machine's noise), without a step P times slower than the others.
 *   - Otherwise the ring kernel over all k taps (k × C × M multiply-adds per bin, four channels at
 *     a time, summed in a register).
 * All three give the same sums up to float rounding. The ring kernel's taps are the step graph's
 * `w` [k][C][M] rearranged to [k][M][C].
 */
import type { DepthwiseConvConfig } from '../../surrogate/layers/depthwise-conv.js';
import { TOEPLITZ_MIN_ROWS, ToeplitzProduct, type ToeplitzShape } from './depthwise-toeplitz.js';
import type { StepWeights } from './step-weights.js';
import {
  ACTIVATION_CODE,
  type Arena,
  type ArenaPlan,
  type BatchRegions,
  type Region,
  type Stage,
  MAX_BLOCK,
  ringLength,
  slotAt,
} from './stage.js';

/**
 * Blocks from which the block product beats the partitioned sums (l5pc-nmda-factored, 500 slots:
 * `node dist/benchmarks/scripts/depthwise-paths.js --bins 8,10,16` run with this at 6 and at 17,
 * each against the ring kernel in the same run: at 8 bins the partitioned sums were ahead, from
 * 10 the block product).
 */
export const BLOCK_MIN_BINS = 10;
/** The period of a partitioned layer, bins. */
const P = MAX_BLOCK;
/**
 * Slots from which the partitioned sum pays: its period product is one onnxruntime run per period,
 * whose fixed cost a handful of slots does not earn back (one stream alone was slower with it).
 */
export const PARTITION_MIN_SLOTS = 16;
const LINEAR = ACTIVATION_CODE.linear;
/** per slot of a partitioned layer: the tags of the two periods Q holds, and its period offset */
const TAG_WORDS = 3;
/** slots added in a row that take the same period offset */
const PERIOD_RUN = 32;

/** 'auto': the three ways above; 'ring': always the ring kernel over all k taps (the baseline) */
export type DepthwisePaths = 'auto' | 'ring';

export class DepthwiseRingStage implements Stage {
  readonly width: number;
  readonly out: Region;
  private readonly taps: Region;
  private readonly bias: Region;
  /** C·M zeros: the period sums carry no bias */
  private readonly zeros: Region;
  private readonly ring: Region;
  private readonly L: number;
  private readonly act: number;
  private readonly block: ToeplitzProduct;
  /** null when the kernel is too short to gain from it */
  private readonly period: ToeplitzProduct | null;
  /** per slot: the sums of the old taps of two periods, and which periods they are */
  private readonly periodSums: Region | null;
  private readonly periodTags: Region | null;
  private readonly periodList: Region;
  private readonly windows: Region;
  /** slots added so far (their count picks the next one's period offset) */
  private added = 0;
  private readonly products: Region;

  constructor(
    plan: ArenaPlan,
    private readonly io: BatchRegions,
    private readonly config: DepthwiseConvConfig,
    private readonly C: number,
    private readonly input: Region,
    weights: StepWeights,
    prefix: string,
    threads: number,
    private readonly paths: DepthwisePaths = 'auto',
  ) {
    const { kernel: k, multiplier: M } = config;
    const w = weights.get(`${prefix}_w`, [k, C, M]);
    const byM = new Float32Array(w.length);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < C; c++)
        for (let m = 0; m < M; m++) byM[(j * M + m) * C + c] = w[(j * C + c) * M + m];
    this.width = C * M;
    this.act = ACTIVATION_CODE[config.activation];
    this.taps = plan.weights(byM);
    this.bias = plan.weights(weights.get(`${prefix}_b`, [C * M]));
    this.zeros = plan.weights(new Float32Array(C * M));
    this.L = ringLength(k - 1);
    this.ring = plan.ring(this.L, C * 4);
    this.out = plan.scratch(C * M * 4 * MAX_BLOCK);
    const blockShape: ToeplitzShape = { W: k - 1 + MAX_BLOCK, bins: MAX_BLOCK, jEnd: k };
    const periodShape: ToeplitzShape | null = k >= 2 * P ? { W: k - 1, bins: P, jEnd: k - P } : null;
    // one block's window per slot, or two periods' (a block of at most P bins reaches two)
    const blockFloats = ToeplitzProduct.floats(C, M, blockShape);
    const periodFloats = periodShape
      ? ToeplitzProduct.floats(C, M, periodShape)
      : { windows: 0, products: 0 };
    this.windows = plan.scratch(4 * Math.max(blockFloats.windows, 2 * periodFloats.windows));
    this.products = plan.scratch(4 * Math.max(blockFloats.products, 2 * periodFloats.products));
    this.periodList = plan.scratch(2 * 2 * 4);
    this.block = new ToeplitzProduct(k, C, M, blockShape, w, this.windows, this.products, threads);
    this.period = periodShape
      ? new ToeplitzProduct(k, C, M, periodShape, w, this.windows, this.products, threads)
      : null;
    this.periodSums = periodShape ? plan.ring(2 * P, C * M * 4) : null;
    this.periodTags = periodShape ? plan.state(TAG_WORDS * 4) : null;
  }

  step(arena: Arena, n: number, T: number, first: number): void {
    const clock = slotAt(this.io.clock, first);
    const ring = slotAt(this.ring, first);
    arena.kernels.ringPush(n, T, this.C, this.L, arena.capacity, clock, this.input.offset, ring);
    if (this.paths === 'auto') {
      if (T >= BLOCK_MIN_BINS && n * T >= TOEPLITZ_MIN_ROWS)
        return this.blockProduct(arena, n, T, clock, ring);
      if (this.period && n >= PARTITION_MIN_SLOTS) return this.partitioned(arena, n, T, first, clock, ring);
    }
    this.ringKernel(arena, n, T, this.config.kernel, 0, this.act, clock, ring);
  }

  dispose(): void {
    this.block.dispose();
    this.period?.dispose();
  }

  slotAdded(arena: Arena, slot: number): void {
    // offsets taken in turn by runs of PERIOD_RUN slots added one after another: of the slots on one
    // clock about n / P enter a period each step, and they lie side by side in the time-major ring
    // (their windows read a few pages per ring position rather than one per slot)
    if (this.periodTags) this.tagsOf(arena, slot)[2] = Math.floor(this.added++ / PERIOD_RUN) % P;
  }

  clockMoved(arena: Arena, slot: number): void {
    // the held periods were numbered by the old clock: none is held now (the offset stays)
    if (this.periodTags) this.tagsOf(arena, slot).fill(0, 0, 2);
  }

  /** The slot's period tags and offset (TAG_WORDS u32). */
  private tagsOf(arena: Arena, slot: number): Uint32Array {
    const all = arena.u32(this.periodTags as Region, arena.capacity * TAG_WORDS);
    return all.subarray(slot * TAG_WORDS, (slot + 1) * TAG_WORDS);
  }

  /** Σ over the taps j0 .. j0 + taps − 1 (the newest `taps` when j0 = k − taps), plus the bias. */
  private ringKernel(
    arena: Arena,
    n: number,
    T: number,
    taps: number,
    j0: number,
    act: number,
    clock: number,
    ring: number,
  ): void {
    const { C } = this;
    const M = this.config.multiplier;
    arena.kernels.depthwiseStep(
      n,
      T,
      taps,
      C,
      M,
      this.L,
      arena.capacity,
      clock,
      ring,
      this.taps.offset + j0 * M * C * 4,
      this.bias.offset,
      act,
      this.out.offset,
    );
  }

  private blockProduct(arena: Arena, n: number, T: number, clock: number, ring: number): void {
    const { k, C, M } = this.block;
    arena.kernels.depthwiseWindows(
      n,
      MAX_BLOCK,
      k,
      C,
      this.L,
      arena.capacity,
      clock,
      ring,
      this.windows.offset,
    );
    this.block.run(arena, n);
    arena.kernels.depthwiseRows(
      n,
      T,
      MAX_BLOCK,
      C,
      M,
      this.products.offset,
      this.bias.offset,
      this.act,
      this.out.offset,
    );
  }

  private partitioned(arena: Arena, n: number, T: number, first: number, clock: number, ring: number): void {
    const period = this.period as ToeplitzProduct;
    const sums = slotAt(this.periodSums as Region, first);
    const { kernels } = arena;
    const { k, C, M } = period;
    const list = this.periodList.offset;
    const tags = slotAt(this.periodTags as Region, first);
    const S = arena.capacity;
    const due = kernels.depthwisePeriodsDue(n, T, P, clock, slotAt(this.io.idle, first), tags, list);
    if (due > 0) {
      kernels.depthwisePeriodWindows(due, list, k, C, this.L, S, P, tags, ring, this.windows.offset);
      period.run(arena, due);
      kernels.depthwisePeriodRows(due, list, P, C, M, S, this.products.offset, this.zeros.offset, sums);
    }
    this.ringKernel(arena, n, T, P, k - P, LINEAR, clock, ring);
    kernels.depthwiseAddPeriod(n, T, this.width, P, S, clock, tags, sums, this.act, this.out.offset);
  }
}
