import { describe, it, expect, beforeAll } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { CausalConvLayer, type ConvStrategy } from '../../../src/surrogate/architectures/causal-conv.js';
import { selectBackend } from '../../../src/surrogate/backend.js';
import { Rng } from '../../../src/core/rng.js';

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('CausalConvLayer', () => {
  beforeAll(async () => {
    await selectBackend(undefined, () => undefined);
  });

  it('matches a direct loop of the causal convolution sum', () => {
    const rng = new Rng(4);
    const [k, C, F, B, L] = [4, 3, 2, 2, 9];
    const w = randomArray(k * C * F, rng);
    const b = randomArray(F, rng);
    const x = randomArray(B * L * C, rng);
    const T = L - k + 1;
    for (const strategy of ['input-slices', 'output-skew'] as ConvStrategy[]) {
      const layer = new CausalConvLayer(k, C, F, 'linear', { w, b }, `t-${strategy}`);
      const y = layer.apply(tf.tensor3d(x, [B, L, C]), strategy).dataSync();
      for (let bb = 0; bb < B; bb++) {
        for (let t = 0; t < T; t++) {
          for (let f = 0; f < F; f++) {
            let s = b[f];
            for (let j = 0; j < k; j++)
              for (let c = 0; c < C; c++) s += x[(bb * L + t + j) * C + c] * w[(j * C + c) * F + f];
            expect(y[(bb * T + t) * F + f]).toBeCloseTo(s, 4);
          }
        }
      }
      layer.dispose();
    }
  });

  it('both strategies give the same outputs and weight gradients', () => {
    const rng = new Rng(8);
    const [k, C, F, B, L] = [7, 12, 3, 3, 30];
    const init = { w: randomArray(k * C * F, rng), b: randomArray(F, rng) };
    const x = tf.tensor3d(randomArray(B * L * C, rng), [B, L, C]);
    const target = tf.tensor3d(randomArray(B * (L - k + 1) * F, rng), [B, L - k + 1, F]);
    const results = (['input-slices', 'output-skew'] as ConvStrategy[]).map((strategy) => {
      const layer = new CausalConvLayer(k, C, F, 'tanh', init, `g-${strategy}`);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, strategy), target)) as tf.Scalar,
        [layer.w, layer.b],
      );
      const out = {
        value: value.dataSync()[0],
        dw: Array.from(grads[layer.w.name].dataSync()),
        db: Array.from(grads[layer.b.name].dataSync()),
      };
      layer.dispose();
      return out;
    });
    expect(results[1].value).toBeCloseTo(results[0].value, 3);
    results[0].dw.forEach((g, i) => expect(results[1].dw[i]).toBeCloseTo(g, 3));
    results[0].db.forEach((g, i) => expect(results[1].db[i]).toBeCloseTo(g, 3));
    expect(Math.max(...results[0].dw.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('rejects an input shorter than the kernel or with the wrong channel count', () => {
    const layer = new CausalConvLayer(
      5,
      2,
      1,
      'linear',
      { w: new Float32Array(10), b: new Float32Array(1) },
      'bad',
    );
    expect(() => layer.apply(tf.zeros([1, 4, 2]) as tf.Tensor3D)).toThrow(/shorter than the kernel/);
    expect(() => layer.apply(tf.zeros([1, 8, 3]) as tf.Tensor3D)).toThrow(/3 channels/);
    layer.dispose();
  });
});
