/**
 * Batched vs one-at-a-time surrogate stepping: N streams of T bins each, stepped (a) with one
 * onnxruntime run per bin per stream, (b) N streams per run. Prints bins/s of both and the ratio.
 *   node dist/test/bench/inference.bench.js [--model models/if-paper] [--streams 32] [--bins 1000]
 * Without --model (or if models/if-paper is missing) a tiny hand-built step graph is used.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelRegistry } from '../../src/registry/registry.js';
import { StepModel } from '../../src/inference/step-model.js';
import { BatchScheduler } from '../../src/inference/batch-scheduler.js';
import { flattenBins, type BinnedSpikes } from '../../src/core/spikes.js';
import { writeTinyModel } from '../fixtures/tiny-step-model.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function randomInput(seed: number, bins: number, nExc: number, nInh: number): BinnedSpikes {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
  const list = Array.from({ length: bins }, () => ({
    exc: Array.from({ length: Math.floor(rnd() * 4) }, () => Math.floor(rnd() * nExc)),
    inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * nInh)),
  }));
  return flattenBins(list);
}

async function timeRun(model: StepModel, maxBatch: number, inputs: BinnedSpikes[]): Promise<number> {
  const sched = new BatchScheduler(model, maxBatch);
  const streams = inputs.map(() => sched.open());
  const t0 = performance.now();
  await Promise.all(streams.map((s, i) => sched.submit(s, inputs[i])));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const nStreams = Number(arg('streams', '32'));
  const nBins = Number(arg('bins', '1000'));
  let modelPath = resolve(arg('model', 'models/if-paper'));
  let temp: string | null = null;
  if (!existsSync(join(modelPath, 'manifest.json'))) {
    temp = mkdtempSync(join(tmpdir(), 'nt-bench-'));
    writeTinyModel(temp, { id: 'tiny-if', nExc: 80, nInh: 20 });
    modelPath = join(temp, 'tiny-if');
    process.stdout.write(`(no model at the given path: using the tiny fixture graph)\n`);
  }
  const entry = ModelRegistry.load(dirname(modelPath)).get(basename(modelPath));
  if (!entry) throw new Error(`${modelPath}: not a valid model directory`);
  const model = await StepModel.load(entry.manifest, entry.stepPath);
  const { nExc, nInh } = entry.manifest.inputs;
  const inputs = Array.from({ length: nStreams }, (_, i) => randomInput(i + 1, nBins, nExc, nInh));
  await timeRun(
    model,
    nStreams,
    inputs.map((f) => ({ ...f, count: Math.min(f.count, 20) })),
  ); // warm-up
  const single = await timeRun(model, 1, inputs);
  const batched = await timeRun(model, nStreams, inputs);
  const total = nStreams * nBins;
  process.stdout.write(
    `model ${entry.manifest.id} (${entry.manifest.architecture.name}), ${nStreams} streams x ${nBins} bins\n` +
      `one at a time: ${(total / (single / 1000)).toFixed(0)} bins/s (${((single / total) * 1000).toFixed(1)} us/bin)\n` +
      `batched:       ${(total / (batched / 1000)).toFixed(0)} bins/s (${((batched / total) * 1000).toFixed(1)} us/bin)\n` +
      `speed-up batched / one-at-a-time: ${(single / batched).toFixed(1)}x\n`,
  );
  await model.dispose();
  if (temp) rmSync(temp, { recursive: true, force: true });
}

main().catch((err: Error) => {
  process.stderr.write(`inference bench: ${err.message}\n`);
  process.exit(1);
});
