/**
 * y = act(x · W + b) for the rows of a batch: onnxruntime's MatMul (the machine's fastest dense
 * arithmetic) on views of the arena for large batches, the kernels' SIMD loop for small ones, where
 * a run's fixed cost (~20 µs) would dominate.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../../surrogate/onnx-graph.js';
import type { Arena, Region } from './arena.js';
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
  private session: ort.InferenceSession | null = null;
  private creating: Promise<ort.InferenceSession> | null = null;
  private tensorsArena: Arena | null = null;
  private readonly tensors = new Map<
    number,
    { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor> }
  >();

  constructor(
    readonly K: number,
    readonly F: number,
    private readonly w: Region,
    private readonly bias: Region,
    private readonly wData: Float32Array,
    private readonly biasData: Float32Array,
    private readonly activation: ActivationName,
    private readonly threads: number,
  ) {}

  async run(arena: Arena, n: number, x: Region, y: Region): Promise<void> {
    if (n < ORT_MIN_ROWS) {
      arena.kernels.dense(
        n,
        this.K,
        this.F,
        x.offset,
        this.w.offset,
        this.bias.offset,
        ACTIVATION_CODE[this.activation],
        y.offset,
      );
      return;
    }
    const session = this.session ?? (await this.open());
    const t = this.tensorsFor(arena, n, x, y);
    await session.run(t.feeds, t.fetches);
  }

  async dispose(): Promise<void> {
    const s = this.session ?? (this.creating ? await this.creating : null);
    this.session = null;
    if (s) await s.release();
  }

  private async open(): Promise<ort.InferenceSession> {
    this.creating ??= ort.InferenceSession.create(this.graph(), {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    this.session = await this.creating;
    return this.session;
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

  private tensorsFor(arena: Arena, n: number, x: Region, y: Region) {
    if (this.tensorsArena !== arena) {
      this.tensors.clear();
      this.tensorsArena = arena;
    }
    let t = this.tensors.get(n);
    if (!t) {
      t = {
        feeds: { x: new ort.Tensor('float32', arena.f32(x, n * this.K), [n, this.K]) },
        fetches: { y: new ort.Tensor('float32', arena.f32(y, n * this.F), [n, this.F]) },
      };
      if (this.tensors.size > 64) this.tensors.clear();
      this.tensors.set(n, t);
    }
    return t;
  }
}
