/**
 * This machine's onnxruntime dense-matmul speed: the ceiling any step graph run through the same
 * runtime, thread count and precision can reach. One square float32 MatMul, timed over repeated runs.
 */
import ort from 'onnxruntime-node';
import { GraphBuilder } from '../surrogate/onnx-graph.js';

export interface MatmulFigure {
  size: number;
  threads: number;
  runs: number;
  gflops: number;
}

function matmulGraph(size: number): Uint8Array {
  const g = new GraphBuilder('matmul_limit');
  const a = g.input('a', [size, size]);
  const w = new Float32Array(size * size);
  for (let i = 0; i < w.length; i++) w[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  g.node('MatMul', [a, g.floatInit('w', [size, size], w)], {}, 'y');
  g.output('y', [size, size]);
  return g.encode('dense matmul speed probe');
}

export async function measureMatmul(size = 1024, threads = 1, minSeconds = 1): Promise<MatmulFigure> {
  const session = await ort.InferenceSession.create(matmulGraph(size), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    const a = new Float32Array(size * size).fill(0.25);
    const y = new Float32Array(size * size);
    const feeds = { a: new ort.Tensor('float32', a, [size, size]) };
    const fetches = { y: new ort.Tensor('float32', y, [size, size]) };
    for (let i = 0; i < 3; i++) await session.run(feeds, fetches); // warm-up
    let runs = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < minSeconds * 1000) {
      await session.run(feeds, fetches);
      runs++;
      elapsed = performance.now() - t0;
    }
    return { size, threads, runs, gflops: (2 * size ** 3 * runs) / (elapsed / 1000) / 1e9 };
  } finally {
    await session.release();
  }
}
