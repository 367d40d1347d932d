/**
 * y = act(x · W + b) for the rows of a batch: onnxruntime's MatMul (the machine's fastest dense
 * arithmetic) on views of the arena for large batches, the kernels' SIMD loop for small ones, where
 * a run's fixed cost (~20 µs) would dominate.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../surrogate/onnx-graph.js';
import type { Arena, Region } from './arena.js';
import { ArenaSession } from './arena-session.js';
import { ACTIVATION_CODE, type ActivationName } from './stage.js';

/** Rows from which onnxruntime is faster than the kernels' loop (measured on [n,160]·[160,32]). */
export const ORT_MIN_ROWS = 48;

const ORT_ACTIVATION: Record<ActivationName, string | null> = {
  linear: null,
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
};

export class DenseGemm {
  private readonly session: ArenaSession;

  constructor(
    readonly K: number,
    readonly F: number,
    /** the input rows [n][K] and output rows [n][F] of every run */
    private readonly x: Region,
    private readonly y: Region,
    private readonly w: Region,
    private readonly bias: Region,
    private readonly wData: Float32Array,
    private readonly biasData: Float32Array,
    private readonly activation: ActivationName,
    threads: number,
  ) {
    this.session = new ArenaSession(
      () => this.graph(),
      threads,
      (arena, n) => ({
        feeds: { x: new ort.Tensor('float32', arena.f32(x, n * K), [n, K]) },
        fetches: { y: new ort.Tensor('float32', arena.f32(y, n * F), [n, F]) },
      }),
    );
  }

  run(arena: Arena, n: number): void {
    if (n < ORT_MIN_ROWS) {
      arena.kernels.dense(
        n,
        this.K,
        this.F,
        this.x.offset,
        this.w.offset,
        this.bias.offset,
        ACTIVATION_CODE[this.activation],
        this.y.offset,
      );
      return;
    }
    this.session.run(arena, n);
  }

  dispose(): void {
    this.session.dispose();
  }

  private graph(): Uint8Array {
    const g = new GraphBuilder('dense');
    const x = g.input('x', ['batch', this.K]);
    const pre = g.node('Add', [
      g.node('MatMul', [x, g.floatInit('w', [this.K, this.F], this.wData)]),
      g.floatInit('b', [this.F], this.biasData),
    ]);
    const op = ORT_ACTIVATION[this.activation];
    g.node(op ?? 'Identity', [pre], {}, 'y');
    g.output('y', ['batch', this.F]);
    return g.encode('one dense layer of a resident twin');
  }
}
