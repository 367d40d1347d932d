/**
 * End to end: the real server on a free port with the shipped I&F models, the paper's I&F input
 * streamed through the SDK with the reference on. For every model: each bin arrives exactly once
 * and in order from both sources. For the best shipped I&F surrogate (if-tcn) the surrogate voltage
 * must track the reference: correlation > 0.9 of the clipped voltages, pooled over bins ≥ 500 of
 * three independent sessions (input seeds used by no other test or dataset). The paper's one-unit
 * network (if-paper) cannot model the reset after each output spike; its pooled correlation is
 * printed, not asserted (its test-set explained variance is in its card).
 * The default L5PC twins stream 2.5 s each beside the detailed cell (in its worker thread) and must
 * track it too. NEUROTWIN_E2E_MODELS points the test at another models dir.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../../src/streaming/server.js';
import { NeurotwinClient, type OutputChunkMsg } from '../../clients/sdk/index.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { PatternGenerator } from '../../src/inputs/paper-pattern.js';
import { FIRST_SCORED_BIN, clippedSoma } from '../../src/core/conventions.js';

const MODELS = resolve(process.env.NEUROTWIN_E2E_MODELS ?? 'models');
const CHUNK = 250;
/** the L5PC twins must track the detailed cell at least this well (their soma figures are in their cards) */
const L5PC_MIN_CORRELATION = 0.9;

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Checks that a source's chunks cover bins 0..DURATION-1 exactly once, in order. */
function expectContiguous(chunks: OutputChunkMsg[], DURATION: number): void {
  let next = 0;
  for (const c of chunks) {
    expect(c.firstBin).toBe(next);
    next += c.voltage.length;
  }
  expect(next).toBe(DURATION);
}

/** Streams one session and returns the clipped surrogate and reference voltages of bins ≥ 500. */
async function streamSession(
  url: string,
  model: string,
  seed: number,
  DURATION: number,
): Promise<{ sur: number[]; ref: number[] }> {
  const client = await NeurotwinClient.connect(url);
  const opened = await client.open({ model, reference: true });
  const info = cellInfo(opened.model.neuron);
  const p = new PatternGenerator(info.defaultInputs(), DURATION).generate(seed);
  const sur: OutputChunkMsg[] = [];
  const ref: OutputChunkMsg[] = [];
  client.onOutput((c) => (c.source === 'SURROGATE' ? sur : ref).push(c));
  for (let k = 0; k < DURATION; k += CHUNK) {
    const bins = [];
    for (let t = k; t < k + CHUNK; t++) {
      bins.push({
        exc: p.exc.ids.subarray(p.excOffsets[t], p.excOffsets[t + 1]),
        inh: p.inh.ids.subarray(p.inhOffsets[t], p.inhOffsets[t + 1]),
      });
    }
    await client.sendBins(k, bins);
  }
  const summary = await client.close();
  client.disconnect();
  expect(summary.bins).toBe(DURATION);
  expectContiguous(sur, DURATION);
  expectContiguous(ref, DURATION);
  const clip = (chunks: OutputChunkMsg[]) =>
    chunks
      .flatMap((c) => Array.from(c.voltage, (v) => clippedSoma(v, info.labelConvention)))
      .slice(FIRST_SCORED_BIN);
  return { sur: clip(sur), ref: clip(ref) };
}

/**
 * `minCorrelation`: the bar the pooled clipped-voltage correlation must pass (absent: printed
 * only). 'l5pc-nmda' and 'l5pc-ampa' name the neurons: the server opens their default twins, and
 * the reference is the detailed cell itself.
 */
const cases: { model: string; duration: number; seeds: number[]; minCorrelation?: number }[] = [
  { model: 'if-tcn', duration: 4000, seeds: [11, 12, 13], minCorrelation: 0.9 },
  { model: 'if-paper', duration: 4000, seeds: [11, 12, 13] },
  { model: 'l5pc-nmda', duration: 2500, seeds: [21], minCorrelation: L5PC_MIN_CORRELATION },
  { model: 'l5pc-ampa', duration: 2500, seeds: [22], minCorrelation: L5PC_MIN_CORRELATION },
];

/** Whether models/ holds the model, or (for a neuron name) a twin marked as its default. */
function installed(model: string): boolean {
  if (existsSync(join(MODELS, model, 'manifest.json'))) return true;
  if (!existsSync(MODELS)) return false;
  return readdirSync(MODELS).some((dir) => {
    const file = join(MODELS, dir, 'manifest.json');
    if (!existsSync(file)) return false;
    const m = JSON.parse(readFileSync(file, 'utf8')) as { neuron?: string; default?: boolean };
    return m.neuron === model && m.default === true;
  });
}

for (const { model, duration, seeds, minCorrelation } of cases) {
  const present = installed(model);
  if (!present) console.warn(`e2e skipped: no model '${model}' in ${MODELS}`);

  (present ? describe : describe.skip)(`e2e stream of ${model} with reference`, () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ modelsDir: MODELS, port: 0, host: '127.0.0.1', logLevels: ['error'] });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('delivers every bin exactly once and in order, from the surrogate and the reference', async () => {
      const sur: number[] = [];
      const ref: number[] = [];
      for (const seed of seeds) {
        const s = await streamSession(server.url, model, seed, duration);
        sur.push(...s.sur);
        ref.push(...s.ref);
      }
      const r = pearson(sur, ref);
      console.log(
        `e2e ${model}: clipped-voltage correlation ${r.toFixed(4)} over ${sur.length} bins of ${seeds.length} session(s)`,
      );
      if (minCorrelation !== undefined) expect(r).toBeGreaterThan(minCorrelation);
    });
  });
}
