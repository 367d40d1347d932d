/**
 * A depthwise-conv layer resident: a ring of its last L input rows per slot, and each step the k
 * taps of every channel read where they lie in the ring (k × C × M multiply-adds, four channels at
 * a time, summed in a register). The taps come from the step graph's `w` [k][C][M], rearranged to [k][M][C].
 * Blocks of several bins go instead through one batched product per block (depthwise-toeplitz.ts).
 */
import type { DepthwiseConvConfig } from '../../surrogate/layers/depthwise-conv.js';
import { DepthwiseToeplitz } from './depthwise-toeplitz.js';
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

export class DepthwiseRingStage implements Stage {
  readonly width: number;
  readonly out: Region;
  private readonly taps: Region;
  private readonly bias: Region;
  private readonly ring: Region;
  private readonly L: number;
  readonly toeplitz: DepthwiseToeplitz;
  private readonly windows: Region;
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
  ) {
    const { kernel: k, multiplier: M } = config;
    const w = weights.get(`${prefix}_w`, [k, C, M]);
    const byM = new Float32Array(w.length);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < C; c++)
        for (let m = 0; m < M; m++) byM[(j * M + m) * C + c] = w[(j * C + c) * M + m];
    this.width = C * M;
    this.taps = plan.weights(byM);
    this.bias = plan.weights(weights.get(`${prefix}_b`, [C * M]));
    this.L = ringLength(k - 1);
    this.ring = plan.state(this.L * C * 4);
    this.out = plan.scratch(C * M * 4 * MAX_BLOCK);
    this.toeplitz = new DepthwiseToeplitz(k, C, M, w, threads);
    this.windows = plan.scratch(this.toeplitz.windowFloats * 4);
    this.products = plan.scratch(this.toeplitz.productFloats * 4);
  }

  step(arena: Arena, n: number, T: number, first: number): void | Promise<void> {
    const { kernels } = arena;
    const clock = slotAt(this.io.clock, first);
    const ring = slotAt(this.ring, first);
    kernels.ringPush(n, T, this.C, this.L, clock, this.input.offset, ring);
    if (DepthwiseToeplitz.worthIt(n, T)) return this.blockProduct(arena, n, T, clock, ring);
    kernels.depthwiseStep(
      n,
      T,
      this.config.kernel,
      this.C,
      this.config.multiplier,
      this.L,
      clock,
      ring,
      this.taps.offset,
      this.bias.offset,
      ACTIVATION_CODE[this.config.activation],
      this.out.offset,
    );
  }

  private async blockProduct(arena: Arena, n: number, T: number, clock: number, ring: number): Promise<void> {
    const { k, C, M } = this.toeplitz;
    const B = DepthwiseToeplitz.bins;
    arena.kernels.depthwiseWindows(n, B, k, C, this.L, clock, ring, this.windows.offset);
    await this.toeplitz.run(arena, n, this.windows, this.products);
    arena.kernels.depthwiseRows(
      n,
      T,
      B,
      C,
      M,
      this.products.offset,
      this.bias.offset,
      ACTIVATION_CODE[this.config.activation],
      this.out.offset,
    );
  }
}
