/**
 * The inference bench on the sparse queue form of a shipped one-layer twin (default if-paper: the
 * step graph the export stage now writes, built by test/bench/queue-form-of.ts from its shipped
 * weights): the cost the scheduler reaches once models are re-exported in
 * that form. First checks that both forms give the same outputs on the same inputs, then prints
 * the figures of `neurotwin bench inference`.
 *   node dist/test/bench/inference.bench.js [--model if-paper] [--streams 10000] [--bins 200]
 *        [--threads 1] [--json] [--keep DIR (leave the queue-form model in DIR)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchInference, findModel, printInferenceBench } from '../../src/cli/bench-inference.js';
import { benchInputs } from '../../src/cli/bench-inputs.js';
import { BatchScheduler } from '../../src/inference/batch-scheduler.js';
import { StepModel } from '../../src/inference/step-model.js';
import { ModelRegistry, type RegisteredModel } from '../../src/registry/registry.js';
import { writeQueueFormOf } from './queue-form-of.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Largest voltage and probability differences between two models on the same 8 x 1000 bins. */
async function agreement(
  a: RegisteredModel,
  b: RegisteredModel,
): Promise<{ voltage: number; spikeProb: number }> {
  const { nExc, nInh } = a.manifest.inputs;
  const inputs = benchInputs(nExc, nInh, 1000, 8, 99, 2).patterns;
  const run = async (m: RegisteredModel) => {
    const model = await StepModel.load(m.manifest, m.stepPath);
    const sched = new BatchScheduler(model, 8);
    const outs = await Promise.all(inputs.map((f) => sched.submit(sched.open(), f)));
    await model.dispose();
    return outs;
  };
  const [x, y] = [await run(a), await run(b)];
  let dv = 0;
  let dp = 0;
  x.forEach((o, i) => {
    for (let k = 0; k < o.voltage.length; k++) {
      dv = Math.max(dv, Math.abs(o.voltage[k] - y[i].voltage[k]));
      dp = Math.max(dp, Math.abs(o.spikeProb[k] - y[i].spikeProb[k]));
    }
  });
  return { voltage: dv, spikeProb: dp };
}

async function main(): Promise<void> {
  const keep = arg('keep', '');
  const dir = keep || mkdtempSync(join(tmpdir(), 'nt-bench-'));
  try {
    const dense = findModel(arg('model', 'if-paper'));
    const id = `${dense.manifest.id}-queue`;
    writeQueueFormOf(dense, dir, id);
    const queue = ModelRegistry.load(dir).get(id)!;
    const diff = await agreement(dense, queue);
    const result = await benchInference({
      model: join(dir, id),
      streams: Number(arg('streams', '10000')),
      bins: Number(arg('bins', '200')),
      singleBins: Number(arg('single-bins', '5000')),
      threads: Number(arg('threads', '1')),
      seed: 1,
      rateHz: 2,
      matmulSize: 1024,
    });
    if (process.argv.includes('--json'))
      process.stdout.write(`${JSON.stringify({ ...result, denseVsQueueMaxDiff: diff }, null, 2)}\n`);
    else {
      process.stdout.write(
        `queue form of ${dense.manifest.id} vs its dense step graph, 8 x 1000 bins: max |dV| ${diff.voltage.toExponential(2)} mV, max |dp| ${diff.spikeProb.toExponential(2)}\n`,
      );
      printInferenceBench(result);
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`inference bench: ${err.message}\n`);
  process.exit(1);
});
