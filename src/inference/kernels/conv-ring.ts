/**
 * A conv layer (kernel k, dilation d, C → F) resident: a ring of its last L input rows per slot;
 * each step gathers the k taps (rows t − (k−1−j)·d) into one panel row per (slot, bin) and
 * multiplies the whole panel by the step graph's `w` [k·C][F] at once. A 1×1 conv multiplies its
 * input rows directly. The panel is scratch shared by the batch's conv layers (one runs at a time).
 */
import type { ConvConfig } from '../../surrogate/layers/conv.js';
import { DenseGemm } from './dense-gemm.js';
import type { StepWeights } from './step-weights.js';
import {
  type Arena,
  type ArenaPlan,
  type BatchRegions,
  type Region,
  type Stage,
  MAX_BLOCK,
  ringLength,
  slotAt,
} from './stage.js';

export class ConvRingStage implements Stage {
  readonly width: number;
  readonly out: Region;
  private readonly gemm: DenseGemm;
  private readonly ring: Region | null;
  private readonly panel: Region;
  private readonly L: number;
  private readonly d: number;

  constructor(
    plan: ArenaPlan,
    private readonly io: BatchRegions,
    private readonly config: ConvConfig,
    private readonly C: number,
    private readonly input: Region,
    /** at least k·C floats per (slot, bin) */
    sharedPanel: Region,
    weights: StepWeights,
    prefix: string,
    threads: number,
  ) {
    const { kernel: k, filters: F } = config;
    this.d = config.dilation ?? 1;
    const w = weights.get(`${prefix}_w`, [k * C, F]);
    const b = weights.get(`${prefix}_b`, [F]);
    this.width = F;
    const lags = (k - 1) * this.d;
    this.L = lags > 0 ? ringLength(lags) : 0;
    this.ring = lags > 0 ? plan.ring(this.L, C * 4) : null;
    this.panel = lags > 0 ? sharedPanel : input;
    this.out = plan.scratch(F * 4 * MAX_BLOCK);
    this.gemm = new DenseGemm(
      k * C,
      F,
      this.panel,
      this.out,
      plan.weights(w),
      plan.weights(b),
      w,
      b,
      config.activation,
      threads,
    );
  }

  step(arena: Arena, n: number, T: number, first: number): void {
    if (this.ring) {
      const { kernels } = arena;
      const clock = slotAt(this.io.clock, first);
      const ring = slotAt(this.ring, first);
      const S = arena.capacity;
      kernels.ringPush(n, T, this.C, this.L, S, clock, this.input.offset, ring);
      kernels.gatherTaps(n, T, this.config.kernel, this.C, this.d, this.L, S, clock, ring, this.panel.offset);
    }
    this.gemm.run(arena, n * T);
  }

  dispose(): void {
    this.gemm.dispose();
  }
}
