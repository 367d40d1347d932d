/**
 * A depthwise layer's block of bins as one batched matrix product in onnxruntime: per channel c,
 * the slots' windows A[c] [n][W] (W = k − 1 + B ring rows, from depthwiseWindows; B = MAX_BLOCK)
 * times the channel's Toeplitz matrix of taps
 *   B[c][w][τ·M + m] = taps[w − τ][c][m]   for 0 ≤ w − τ < k, else 0,
 * gives Z[c] [n][B·M], the outputs of B bins (depthwiseRows keeps the block's first T). The
 * product does W/k times the ring kernel's k × C × M multiply-adds per bin, and all B bins
 * whatever T, but at the speed of onnxruntime's GEMM rather than of 128-bit SIMD: faster from a
 * few bins on (TOEPLITZ_MIN_BINS). One session, made with the layer.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../surrogate/onnx-graph.js';
import type { Arena, Region } from './arena.js';
import { MAX_BLOCK } from './stage.js';

/**
 * Blocks from which the product beats the ring kernel (measured on l5pc-nmda-factored, 500 slots:
 * even at 6 bins, 1.07× the ring kernel's neuron-steps/s; at 16, 1.2–1.3×).
 */
export const TOEPLITZ_MIN_BINS = 6;
/** Rows (slots × bins) below which onnxruntime's fixed cost per run (~10 µs) outweighs its speed. */
export const TOEPLITZ_MIN_ROWS = 48;

export class DepthwiseToeplitz {
  /** bins of the windows and products, whatever the block */
  static readonly bins = MAX_BLOCK;
  private session: ort.InferenceSession | null = null;
  private readonly creating: Promise<ort.InferenceSession>;
  private tensorsArena: Arena | null = null;
  /** per slot count, tensors on the arena's windows and products */
  private readonly tensors = new Map<
    number,
    { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor> }
  >();

  constructor(
    readonly k: number,
    readonly C: number,
    readonly M: number,
    /** the step graph's taps [k][C][M] */
    taps: Float32Array,
    threads: number,
  ) {
    this.creating = ort.InferenceSession.create(this.graph(taps), {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    // a failure is reported by the first run that needs the session
    this.creating.catch(() => undefined);
  }

  /** Whether a block of n slots by T bins goes through the product. */
  static worthIt(n: number, T: number): boolean {
    return T >= TOEPLITZ_MIN_BINS && n * T >= TOEPLITZ_MIN_ROWS;
  }

  /** Floats per slot of the windows (A) and of the products (Z). */
  get windowFloats(): number {
    return this.C * (this.k - 1 + DepthwiseToeplitz.bins);
  }

  get productFloats(): number {
    return this.C * DepthwiseToeplitz.bins * this.M;
  }

  /** Z[c][b][τ·M + m] for the n slots' windows A[c][b][w]. */
  async run(arena: Arena, n: number, windows: Region, products: Region): Promise<void> {
    const session = this.session ?? (this.session = await this.creating);
    if (this.tensorsArena !== arena) {
      this.tensors.clear();
      this.tensorsArena = arena;
    }
    let t = this.tensors.get(n);
    if (!t) {
      const { C, M, k } = this;
      const W = k - 1 + DepthwiseToeplitz.bins;
      const BM = DepthwiseToeplitz.bins * M;
      t = {
        feeds: { a: new ort.Tensor('float32', arena.f32(windows, C * n * W), [C, n, W]) },
        fetches: { z: new ort.Tensor('float32', arena.f32(products, C * n * BM), [C, n, BM]) },
      };
      if (this.tensors.size > 64) this.tensors.clear();
      this.tensors.set(n, t);
    }
    await session.run(t.feeds, t.fetches);
  }

  async dispose(): Promise<void> {
    const s = this.session ?? (await this.creating.catch(() => null));
    this.session = null;
    if (s) await s.release();
  }

  private graph(taps: Float32Array): Uint8Array {
    const { k, C, M } = this;
    const B = DepthwiseToeplitz.bins;
    const W = k - 1 + B;
    const toeplitz = new Float32Array(C * W * B * M);
    for (let c = 0; c < C; c++)
      for (let tau = 0; tau < B; tau++)
        for (let j = 0; j < k; j++)
          for (let m = 0; m < M; m++)
            toeplitz[(c * W + tau + j) * B * M + tau * M + m] = taps[(j * C + c) * M + m];
    const g = new GraphBuilder('depthwise_block');
    const a = g.input('a', [C, 'slots', W]);
    g.node('MatMul', [a, g.floatInit('toeplitz', [C, W, B * M], toeplitz)], {}, 'z');
    g.output('z', [C, 'slots', B * M]);
    return g.encode(`a depthwise layer (kernel ${k}) over blocks of ${B} bins`);
  }
}
