/**
 * The inference bench on a sparse queue-form step graph of the shape of if-paper (80 + 20 synapses,
 * one causal conv of kernel 80, one filter; random weights from test/fixtures/queue-step-model.ts),
 * i.e. the cost the scheduler reaches once models are exported in that form. Prints the same figures
 * as `neurotwin bench inference`.
 *   node dist/test/bench/inference.bench.js [--streams 10000] [--bins 200] [--threads 1] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchInference, printInferenceBench } from '../../src/cli/bench-inference.js';
import { writeQueueModel } from '../fixtures/queue-step-model.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nt-bench-'));
  try {
    writeQueueModel(dir, { id: 'queue-if', nExc: 80, nInh: 20, kernel: 80 });
    const result = await benchInference({
      model: join(dir, 'queue-if'),
      streams: Number(arg('streams', '10000')),
      bins: Number(arg('bins', '200')),
      singleBins: Number(arg('single-bins', '5000')),
      threads: Number(arg('threads', '1')),
      seed: 1,
      rateHz: 2,
      matmulSize: 1024,
    });
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printInferenceBench(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  process.stderr.write(`inference bench: ${err.message}\n`);
  process.exit(1);
});
