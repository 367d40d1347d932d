/**
 * The resident kernels against the step graph in onnxruntime on layer shapes the shipped models do
 * not have: channel counts that leave remainders in the kernels' 12-, 4- and 1-channel loops, other
 * depthwise multipliers, and every activation after a depthwise layer, on the partitioned, block and
 * ring paths. The networks are untrained (random weights, exported by the project's step graph).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelManifest } from '../../../src/core/manifest.js';
import { Rng } from '../../../src/core/rng.js';
import { buildStepGraph, stepStateSpecs } from '../../../src/export/surrogate-graphs.js';
import { KernelBatch } from '../../../src/inference/kernels/kernel-batch.js';
import { ResidentBatch } from '../../../src/inference/resident-batch.js';
import { StepModel } from '../../../src/inference/step-model.js';
import type { StepInput } from '../../../src/inference/stream-batch.js';
import type { NetworkSpec } from '../../../src/surrogate/architectures/spec.js';
import type { LayerConfig } from '../../../src/surrogate/layers/catalogue.js';
import { initialWeights } from '../../../src/surrogate/network.js';

const N_EXC = 30;
const N_INH = 20;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'neurotwin-kernel-shapes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An untrained twin of the given layers, written as a step graph with its manifest. */
async function syntheticModel(id: string, layers: LayerConfig[], seed: number): Promise<StepModel> {
  const spec: NetworkSpec = { arch: 'factored', params: {}, nInputs: N_EXC + N_INH, layers };
  const weights = initialWeights(spec, new Rng(seed), 0.01);
  // initial depthwise taps are small; scale them so the sums reach the activations' curved parts
  for (const w of weights.layers)
    for (const a of Object.values(w)) for (let i = 0; i < a.length; i++) a[i] *= 3;
  const stepPath = path.join(dir, `${id}.onnx`);
  writeFileSync(stepPath, buildStepGraph(spec, weights, id));
  const manifest = {
    id,
    neuron: 'synthetic',
    architecture: { name: 'factored', params: { layers }, parameterCount: 0 },
    inputs: { nExc: N_EXC, nInh: N_INH, order: 'excitatory then inhibitory' },
    step: { input: 'active', ...stepStateSpecs(spec) },
  } as unknown as ModelManifest;
  return StepModel.load(manifest, stepPath);
}

function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
}

/** The CSR of n slots by T bins (row b·T + τ), up to `most` random ids per row. */
function randomBlock(rnd: () => number, n: number, T: number, most: number): StepInput {
  const offsets = new Uint32Array(n * T + 1);
  const ids: number[] = [];
  for (let r = 0; r < n * T; r++) {
    offsets[r] = ids.length;
    for (let j = Math.floor(rnd() * (most + 1)); j > 0; j--) ids.push(Math.floor(rnd() * (N_EXC + N_INH)));
  }
  offsets[n * T] = ids.length;
  return { offsets, ids: Uint32Array.from(ids) };
}

/** Bin τ of every slot of a block, as a one-bin input. */
function binOf(block: StepInput, n: number, T: number, tau: number): StepInput {
  const offsets = new Uint32Array(n + 1);
  const ids: number[] = [];
  for (let b = 0; b < n; b++) {
    offsets[b] = ids.length;
    const row = b * T + tau;
    for (let j = block.offsets[row]; j < block.offsets[row + 1]; j++) ids.push(block.ids[j]);
  }
  offsets[n] = ids.length;
  return { offsets, ids: Uint32Array.from(ids) };
}

const synaptic = (filters: number): LayerConfig => ({
  kind: 'synaptic-conv',
  kernel: 1,
  filters,
  activation: 'linear',
});

const cases: { name: string; layers: LayerConfig[] }[] = [
  {
    // 22 channels: one 12-channel group, two of four, two single channels; partitioned (k ≥ 32)
    name: '22 channels × 2, relu, kernel 40',
    layers: [
      synaptic(22),
      { kind: 'depthwise-conv', kernel: 40, multiplier: 2, activation: 'relu' },
      { kind: 'conv', kernel: 3, filters: 8, activation: 'relu', dilation: 2 },
    ],
  },
  {
    name: '7 channels × 3, tanh, kernel 36',
    layers: [
      synaptic(7),
      { kind: 'depthwise-conv', kernel: 36, multiplier: 3, activation: 'tanh' },
      { kind: 'conv', kernel: 1, filters: 6, activation: 'relu' },
    ],
  },
  {
    name: '16 channels × 2, sigmoid, kernel 9',
    layers: [
      synaptic(16),
      { kind: 'depthwise-conv', kernel: 9, multiplier: 2, activation: 'sigmoid' },
      { kind: 'conv', kernel: 2, filters: 5, activation: 'tanh' },
    ],
  },
];

describe.each(cases)('KernelBatch on an untrained twin: $name', ({ name, layers }) => {
  it('matches the step graph bin by bin and in blocks of every size', async () => {
    const model = await syntheticModel(name.replace(/[^a-z0-9]+/gi, '-'), layers, 11);
    const kernels = new KernelBatch(model, 8);
    const graph = new ResidentBatch(model, 8);
    try {
      // enough slots for the partitioned sums (16+) and the block product (48+ rows)
      const slots = 40;
      for (let i = 0; i < slots; i++) expect(kernels.addSlot()).toBe(graph.addSlot());
      const rnd = lcg(name.length);
      const blocks = [1, 1, 16, 4, 1, 3, 12, 1, 1, 8, 16, 2, 1, 5, 1, 1, 1, 16, 7, 1];
      let worst = 0;
      let spread = 0;
      for (const T of [...blocks, ...blocks]) {
        const block = randomBlock(rnd, slots, T, 4);
        await kernels.step(block, null, T);
        for (let tau = 0; tau < T; tau++) {
          await graph.step(binOf(block, slots, T, tau));
          let lo = Infinity;
          let hi = -Infinity;
          for (let b = 0; b < slots; b++) {
            const v = kernels.voltage[b * T + tau];
            worst = Math.max(worst, Math.abs(v - graph.voltage[b]));
            worst = Math.max(worst, Math.abs(kernels.spikeProb[b * T + tau] - graph.spikeProb[b]));
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
          spread = Math.max(spread, hi - lo);
        }
      }
      expect(worst).toBeLessThan(1e-4);
      // the slots' outputs follow their inputs: not two batches compared at rest
      expect(spread).toBeGreaterThan(1e-3);
    } finally {
      await kernels.dispose();
      await graph.dispose();
      await model.dispose();
    }
  });
});
