import { describe, it, expect, beforeAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { buildSequenceGraph, buildStepGraph, stepStateSpecs } from '../../../src/export/surrogate-graphs.js';
import { buildArchitecture } from '../../../src/surrogate/architectures/registry.js';
import {
  type NetworkSpec,
  type NetworkWeights,
  foldVoltageTarget,
} from '../../../src/surrogate/architectures/spec.js';
import { selectBackend } from '../../../src/surrogate/backend.js';
import { TfNetwork, initialWeights } from '../../../src/surrogate/network.js';
import { Rng } from '../../../src/core/rng.js';

const N_INPUTS = 10;
const T = 260;
const BATCH = 2;

/** Random weights with non-trivial biases so every term of the graphs is exercised. */
function randomWeights(spec: NetworkSpec, seed: number): NetworkWeights {
  const rng = new Rng(seed);
  const w = initialWeights(spec, rng, 0.05);
  for (const l of w.layers) if (l.b) for (let i = 0; i < l.b.length; i++) l.b[i] = 0.1 * rng.normal();
  return foldVoltageTarget(w, { offset: -67.5, scale: 3.2 });
}

function randomInput(seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(BATCH * T * N_INPUTS);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < 0.1 ? 1 : 0;
  return x;
}

function tfForward(
  spec: NetworkSpec,
  weights: NetworkWeights,
  x: Float32Array,
): { p: Float32Array; v: Float32Array } {
  const net = new TfNetwork(spec, weights);
  const channel: number[] = [];
  const position: number[] = [];
  x.forEach((on, i) => {
    if (on) {
      channel.push(i % N_INPUTS);
      position.push(Math.floor(i / N_INPUTS));
    }
  });
  const batch = {
    batch: BATCH,
    length: T,
    nInputs: N_INPUTS,
    dense: tf.tensor3d(x, [BATCH, T, N_INPUTS]),
    channel: Int32Array.from(channel),
    position: Int32Array.from(position),
  };
  const out = net.forward(batch, 'zeros');
  const p = new Float32Array(tf.sigmoid(out.spikeLogit).dataSync());
  const v = new Float32Array(out.voltage.dataSync());
  net.dispose();
  return { p, v };
}

async function runSequence(
  model: Uint8Array,
  x: Float32Array,
): Promise<{ p: Float32Array; v: Float32Array }> {
  const s = await ort.InferenceSession.create(model);
  const r = await s.run({ input: new ort.Tensor('float32', x, [BATCH, T, N_INPUTS]) });
  await s.release();
  expect(r.spike_prob.dims).toEqual([BATCH, T]);
  expect(r.voltage.dims).toEqual([BATCH, T]);
  return { p: r.spike_prob.data as Float32Array, v: r.voltage.data as Float32Array };
}

/** Steps step.onnx through the input one bin at a time, feeding each state output back. */
async function runSteps(
  model: Uint8Array,
  spec: NetworkSpec,
  x: Float32Array,
): Promise<{ p: Float32Array; v: Float32Array }> {
  const s = await ort.InferenceSession.create(model);
  const specs = stepStateSpecs(spec);
  let state: Record<string, ort.Tensor> = {};
  for (const st of specs.inputs) {
    const dims = st.shape.map((d) => (d === 'batch' ? BATCH : d));
    state[st.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  const p = new Float32Array(BATCH * T);
  const v = new Float32Array(BATCH * T);
  for (let t = 0; t < T; t++) {
    // the spiking ids of each row, padded with the no-synapse id N_INPUTS to a common length
    const rows = Array.from({ length: BATCH }, (_, b) => {
      const ids: number[] = [];
      for (let c = 0; c < N_INPUTS; c++) if (x[(b * T + t) * N_INPUTS + c]) ids.push(c);
      return ids;
    });
    const slots = Math.max(1, ...rows.map((r) => r.length + (t % 2))); // extra padding on odd bins
    const active = new BigInt64Array(BATCH * slots).fill(BigInt(N_INPUTS));
    rows.forEach((ids, b) => ids.forEach((id, j) => (active[b * slots + j] = BigInt(id))));
    const r = await s.run({ active: new ort.Tensor('int64', active, [BATCH, slots]), ...state });
    const next: Record<string, ort.Tensor> = {};
    specs.inputs.forEach((st, i) => (next[st.name] = r[specs.outputs[i].name]));
    state = next;
    for (let b = 0; b < BATCH; b++) {
      p[b * T + t] = (r.spike_prob.data as Float32Array)[b];
      v[b * T + t] = (r.voltage.data as Float32Array)[b];
    }
  }
  await s.release();
  return { p, v };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases: [string, NetworkSpec][] = [
  ['if-paper (k=80, linear unit)', buildArchitecture('if-paper', N_INPUTS)],
  [
    'tcn (3 layers, relu, a kernel-1 layer)',
    buildArchitecture('tcn', N_INPUTS, { kernels: [9, 1, 4], widths: [5, 3, 4], activation: 'relu' }),
  ],
  [
    'tcn (2 layers, tanh)',
    buildArchitecture('tcn', N_INPUTS, { kernels: [6, 3], width: 3, activation: 'tanh' }),
  ],
  [
    'factored with free depthwise taps',
    buildArchitecture('factored', N_INPUTS, { channels: 2, kernel: 5, basis: 0, width: 3, dilations: [2] }),
  ],
  ['fcn (1 layer, relu)', buildArchitecture('fcn', N_INPUTS, { width: 4, kernel: 7 })],
  [
    'factored with one hidden layer (no dilated stack)',
    buildArchitecture('factored', N_INPUTS, { channels: 2, kernel: 5, basis: 2, width: 3, dilations: [] }),
  ],
  [
    'factored (projection, depthwise kernels, dilated stack)',
    buildArchitecture('factored', N_INPUTS, {
      channels: 3,
      kernel: 6,
      basis: 3,
      multiplier: 2,
      width: 4,
      taps: 3,
      dilations: [1, 2, 4],
      activation: 'tanh',
    }),
  ],
];

describe('ONNX export of surrogates, every layer kind', () => {
  beforeAll(async () => {
    await selectBackend(undefined, () => undefined);
  });

  for (const [label, spec] of cases) {
    it(`${label}: tfjs forward = sequence.onnx = stepped step.onnx (1e-4)`, async () => {
      const weights = randomWeights(spec, 7);
      const x = randomInput(11);
      const ref = tfForward(spec, weights, x);
      const seq = await runSequence(buildSequenceGraph(spec, weights, 'test'), x);
      const step = await runSteps(buildStepGraph(spec, weights, 'test'), spec, x);
      expect(maxAbsDiff(ref.p, seq.p)).toBeLessThan(1e-4);
      expect(maxAbsDiff(ref.v, seq.v)).toBeLessThan(1e-4);
      expect(maxAbsDiff(seq.p, step.p)).toBeLessThan(1e-4);
      expect(maxAbsDiff(seq.v, step.v)).toBeLessThan(1e-4);
      // sanity: the outputs are not constant (the test would be vacuous otherwise)
      expect(Math.max(...seq.v) - Math.min(...seq.v)).toBeGreaterThan(0.01);
    });
  }

  it('both graphs pass onnx.checker.check_model (Debian python3-onnx)', () => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn(
        `SKIPPED onnx checker: /usr/bin/python3 cannot import onnx (${probe.stderr?.trim() ?? probe.error?.message})`,
      );
      return;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neurotwin-onnx-'));
    try {
      const spec = cases[cases.length - 1][1];
      const weights = randomWeights(spec, 3);
      writeFileSync(path.join(dir, 'sequence.onnx'), buildSequenceGraph(spec, weights, 'test'));
      writeFileSync(path.join(dir, 'step.onnx'), buildStepGraph(spec, weights, 'test'));
      const script =
        'import onnx,sys\nfor f in sys.argv[1:]:\n    m=onnx.load(f); onnx.checker.check_model(m, full_check=True); print(f, m.ir_version, m.opset_import[0].version)';
      const r = spawnSync(
        '/usr/bin/python3',
        ['-c', script, path.join(dir, 'sequence.onnx'), path.join(dir, 'step.onnx')],
        { encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('sequence.onnx 8 13');
      expect(r.stdout).toContain('step.onnx 8 13');
      expect(readFileSync(path.join(dir, 'step.onnx')).length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
