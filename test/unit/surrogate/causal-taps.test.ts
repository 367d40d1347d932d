import { describe, it, expect, beforeAll } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { causalTaps, sparseCausalTaps } from '../../../src/surrogate/layers/causal-taps.js';
import { selectBackend } from '../../../src/surrogate/backend.js';
import { Rng } from '../../../src/core/rng.js';

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** y[b, t, f] = sum_j sum_c x[b, t + j·d, c] w[j, c, f], by loops. */
function direct(x: Float32Array, w: Float32Array, dims: number[], d: number): Float32Array {
  const [k, C, F, B, L] = dims;
  const T = L - (k - 1) * d;
  const y = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let f = 0; f < F; f++) {
        let s = 0;
        for (let j = 0; j < k; j++)
          for (let c = 0; c < C; c++) s += x[(b * L + t + j * d) * C + c] * w[(j * C + c) * F + f];
        y[(b * T + t) * F + f] = s;
      }
  return y;
}

describe('causal taps (the conv kinds’ tfjs arithmetic)', () => {
  beforeAll(async () => {
    await selectBackend(undefined, () => undefined);
  });

  const shapes: [string, number[], number][] = [
    ['input slices (few channels)', [4, 3, 2, 2, 9], 1],
    ['output skew (many channels, few filters)', [5, 12, 2, 2, 14], 1],
    ['dilated taps', [3, 4, 3, 2, 15], 3],
  ];
  for (const [label, dims, d] of shapes) {
    it(`${label} match a direct loop of the sum`, () => {
      const rng = new Rng(dims[0] * 7 + d);
      const [k, C, F, B, L] = dims;
      const w = randomArray(k * C * F, rng);
      const x = randomArray(B * L * C, rng);
      const y = causalTaps(tf.tensor3d(x, [B, L, C]), tf.tensor3d(w, [k, C, F]), d).dataSync();
      const want = direct(x, w, dims, d);
      expect(y.length).toBe(want.length);
      want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 4));
    });
  }

  it('the sparse event form gives the dense form’s outputs and weight gradients', () => {
    const rng = new Rng(9);
    const [k, C, F, B, L] = [6, 20, 3, 3, 40];
    const x = new Float32Array(B * L * C);
    const channel: number[] = [];
    const position: number[] = [];
    for (let i = 0; i < x.length; i++) {
      if (rng.uniform() < 0.05) {
        x[i] = 1;
        channel.push(i % C);
        position.push(Math.floor(i / C));
      }
    }
    // a repeated synapse in one window exercises the summing of duplicate indices
    expect(new Set(channel).size).toBeLessThan(channel.length);
    const w = tf.variable(tf.tensor3d(randomArray(k * C * F, rng), [k, C, F]), true, 'sparse-test-w');
    const target = tf.tensor3d(randomArray(B * (L - k + 1) * F, rng), [B, L - k + 1, F]);
    const dense = tf.tensor3d(x, [B, L, C]);
    const batch = {
      batch: B,
      length: L,
      nInputs: C,
      dense,
      channel: Int32Array.from(channel),
      position: Int32Array.from(position),
    };
    const run = (sparse: boolean): { value: number; y: Float32Array; dw: Float32Array } => {
      let y = new Float32Array(0);
      const { value, grads } = tf.variableGrads(() => {
        const out = sparse ? sparseCausalTaps(batch, w) : tf.reshape(causalTaps(dense, w), [B, L - k + 1, F]);
        y = new Float32Array(out.dataSync());
        return tf.sum(tf.mul(tf.tanh(out), target)) as tf.Scalar;
      }, [w]);
      return { value: value.dataSync()[0], y, dw: new Float32Array(grads[w.name].dataSync()) };
    };
    const a = run(false);
    const b = run(true);
    expect(b.value).toBeCloseTo(a.value, 3);
    a.y.forEach((v, i) => expect(b.y[i]).toBeCloseTo(v, 4));
    a.dw.forEach((g, i) => expect(b.dw[i]).toBeCloseTo(g, 3));
    expect(Math.max(...Array.from(a.dw, Math.abs))).toBeGreaterThan(0.01);
    w.dispose();
  });

  it('rejects an input shorter than the receptive field or with the wrong channel count', () => {
    const w = tf.zeros([5, 2, 1]) as tf.Tensor3D;
    expect(() => causalTaps(tf.zeros([1, 4, 2]) as tf.Tensor3D, w)).toThrow(
      /shorter than the receptive field/,
    );
    expect(() => causalTaps(tf.zeros([1, 8, 3]) as tf.Tensor3D, w)).toThrow(/3 channels/);
  });
});
