/**
 * Part of a depthwise layer as one batched matrix product in onnxruntime: per channel c, windows of
 * W consecutive input rows, one per entry (a slot's block, or a slot's coming period), A[c] [e][W],
 * times the channel's Toeplitz matrix of taps
 *   B[c][w][i·M + m] = taps[w − i][c][m]   for 0 ≤ w − i < jEnd, else 0,
 * give Z[c] [e][bins·M]: output i of an entry sums the taps j < jEnd over window rows i .. i + jEnd − 1
 * (tap j = k − 1 − lag). Used two ways (depthwise-ring.ts):
 *   - a block of bins: W = k − 1 + MAX_BLOCK, jEnd = k: every output of MAX_BLOCK bins;
 *   - the coming period of P bins: W = k − 1 rows before it, jEnd = k − P: the taps that look
 *     P or more bins back, which the rows before the period already fix.
 * W/jEnd times the multiply-adds of the ring kernel per output, but at the speed of onnxruntime's
 * GEMM rather than of 128-bit SIMD. The session is made with the layer.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../surrogate/onnx-graph.js';
import type { Arena, Region } from './arena.js';
import { ArenaSession } from './arena-session.js';

/** Rows (entries × bins) below which onnxruntime's fixed cost per run (~10 µs) outweighs its speed. */
export const TOEPLITZ_MIN_ROWS = 48;

export interface ToeplitzShape {
  /** window rows per entry */
  W: number;
  /** outputs (bins) per entry */
  bins: number;
  /** taps j < jEnd of the k */
  jEnd: number;
}

export class ToeplitzProduct {
  private readonly session: ArenaSession;

  constructor(
    readonly k: number,
    readonly C: number,
    readonly M: number,
    readonly shape: ToeplitzShape,
    /** the step graph's taps [k][C][M] */
    taps: Float32Array,
    /** the windows A [C][entries][W] and products Z [C][entries][bins·M] of every run */
    windows: Region,
    products: Region,
    threads: number,
  ) {
    if (shape.jEnd > k || shape.W < shape.bins - 1 + shape.jEnd)
      throw new Error(`Toeplitz product: ${JSON.stringify(shape)} does not fit a kernel of ${k}`);
    const { W, bins } = shape;
    this.session = new ArenaSession(
      () => this.graph(taps),
      threads,
      (arena, e) => ({
        feeds: { a: new ort.Tensor('float32', arena.f32(windows, C * e * W), [C, e, W]) },
        fetches: { z: new ort.Tensor('float32', arena.f32(products, C * e * bins * M), [C, e, bins * M]) },
      }),
    );
    // made with the layer: the first step that needs it should not wait
    this.session.prepare();
  }

  /** Floats per entry of the windows (A) and of the products (Z) of a shape. */
  static floats(C: number, M: number, shape: ToeplitzShape): { windows: number; products: number } {
    return { windows: C * shape.W, products: C * shape.bins * M };
  }

  /** Z[c][e][i·M + m] for the `entries` windows A[c][e][w] (both laid out for that count). */
  run(arena: Arena, entries: number): void {
    this.session.run(arena, entries);
  }

  dispose(): void {
    this.session.dispose();
  }

  private graph(taps: Float32Array): Uint8Array {
    const { k, C, M } = this;
    const { W, bins, jEnd } = this.shape;
    const cols = bins * M;
    const toeplitz = new Float32Array(C * W * cols);
    for (let c = 0; c < C; c++)
      for (let i = 0; i < bins; i++)
        for (let j = 0; j < jEnd; j++)
          for (let m = 0; m < M; m++)
            toeplitz[(c * W + i + j) * cols + i * M + m] = taps[(j * C + c) * M + m];
    const g = new GraphBuilder('depthwise_toeplitz');
    const a = g.input('a', [C, 'entries', W]);
    g.node('MatMul', [a, g.floatInit('toeplitz', [C, W, cols], toeplitz)], {}, 'z');
    g.output('z', [C, 'entries', cols]);
    return g.encode(`taps 0..${jEnd - 1} of a depthwise layer (kernel ${k}) over windows of ${W} rows`);
  }
}
