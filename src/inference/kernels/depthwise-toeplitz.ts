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
  private session: ort.InferenceSession | null = null;
  private readonly creating: Promise<ort.InferenceSession>;
  private tensorsArena: Arena | null = null;
  /** per entry count, tensors on the arena's windows and products */
  private readonly tensors = new Map<
    number,
    { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor> }
  >();

  constructor(
    readonly k: number,
    readonly C: number,
    readonly M: number,
    readonly shape: ToeplitzShape,
    /** the step graph's taps [k][C][M] */
    taps: Float32Array,
    threads: number,
  ) {
    if (shape.jEnd > k || shape.W < shape.bins - 1 + shape.jEnd)
      throw new Error(`Toeplitz product: ${JSON.stringify(shape)} does not fit a kernel of ${k}`);
    this.creating = ort.InferenceSession.create(this.graph(taps), {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    // a failure is reported by the first run that needs the session
    this.creating.catch(() => undefined);
  }

  /** Floats per entry of the windows (A) and of the products (Z). */
  get windowFloats(): number {
    return this.C * this.shape.W;
  }

  get productFloats(): number {
    return this.C * this.shape.bins * this.M;
  }

  /** Z[c][e][i·M + m] for the `entries` windows A[c][e][w] (both laid out for that count). */
  async run(arena: Arena, entries: number, windows: Region, products: Region): Promise<void> {
    const session = this.session ?? (this.session = await this.creating);
    if (this.tensorsArena !== arena) {
      this.tensors.clear();
      this.tensorsArena = arena;
    }
    let t = this.tensors.get(entries);
    if (!t) {
      const { C, M } = this;
      const { W, bins } = this.shape;
      t = {
        feeds: { a: new ort.Tensor('float32', arena.f32(windows, C * entries * W), [C, entries, W]) },
        fetches: {
          z: new ort.Tensor('float32', arena.f32(products, C * entries * bins * M), [C, entries, bins * M]),
        },
      };
      if (this.tensors.size > 64) this.tensors.clear();
      this.tensors.set(entries, t);
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
