/**
 * End to end: the real server with a throwaway step model whose manifest imitates 'l5pc-nmda'
 * (639 + 639 inputs), streaming the paper's L5PC input with the reference on. The reference is the
 * detailed L5PC in a worker thread (the compiled dist/ worker; `npm test` builds it first), so the
 * cheap surrogate runs ahead and the reference bins follow.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { GIVEN_INPUTS } from '../../src/core/input-record.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/streaming/server.js';
import { referenceWorkerScript } from '../../src/streaming/reference-runner.js';
import { NeurotwinClient, type OutputChunkMsg } from '../../clients/sdk/index.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { PatternGenerator } from '../../src/inputs/paper-pattern.js';
import { TrialRunner } from '../../src/dataset/simulate-trial.js';
import { writeTinyModel } from '../fixtures/tiny-step-model.js';

const CELL = 'l5pc-nmda';
const BINS = 400;
const CHUNK = 50;
const SEED = 21;
const hasWorker = referenceWorkerScript() !== null;

if (!hasWorker) console.warn('l5pc-reference e2e skipped: run `npm run build` first (the reference worker)');

(hasWorker ? describe : describe.skip)('e2e: L5PC reference in a worker thread next to a surrogate', () => {
  let server: RunningServer;
  let dir: string;
  const info = cellInfo(CELL);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-l5pc-e2e-'));
    writeTinyModel(dir, { id: 'tiny-l5pc', neuron: CELL, nExc: info.nExc, nInh: info.nInh });
    server = await startServer({ modelsDir: dir, port: 0, host: '127.0.0.1', logLevels: ['error'] });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every surrogate and reference bin once, in order; the reference lags and matches the cell', async () => {
    // the paper's input over 1 s (where its smoothing is well defined); the first BINS bins are streamed
    const pattern = new PatternGenerator(info.defaultInputs(), 1000).generate(SEED);
    const bins = Array.from({ length: BINS }, (_, t) => ({
      exc: pattern.exc.ids.subarray(pattern.excOffsets[t], pattern.excOffsets[t + 1]),
      inh: pattern.inh.ids.subarray(pattern.inhOffsets[t], pattern.inhOffsets[t + 1]),
    }));

    const client = await NeurotwinClient.connect(server.url);
    const opened = await client.open({ model: 'tiny-l5pc', reference: true });
    expect(opened.referenceCell).toBe(CELL);
    const arrivals: OutputChunkMsg[] = [];
    client.onOutput((c) => arrivals.push(c));
    for (let k = 0; k < BINS; k += CHUNK) await client.sendBins(k, bins.slice(k, k + CHUNK));
    const summary = await client.close();
    client.disconnect();

    const sur = arrivals.filter((c) => c.source === 'SURROGATE');
    const ref = arrivals.filter((c) => c.source === 'REFERENCE');
    for (const stream of [sur, ref]) {
      let next = 0;
      for (const c of stream) {
        expect(c.firstBin).toBe(next);
        next += c.voltage.length;
      }
      expect(next).toBe(BINS);
    }
    // the surrogate did not wait for the slower reference: the reference fell behind, and the
    // surrogate's stream ended first (which of the two first chunks comes first is a race under
    // load: the reference, at its spike-adaptive default, takes ~15 ms for its first 50 bins)
    expect(Math.max(...sur.map((c) => c.referenceLagBins))).toBeGreaterThan(0);
    const lastSurrogate = arrivals.lastIndexOf(sur[sur.length - 1]);
    expect(lastSurrogate).toBeLessThan(arrivals.length - 1);

    const refVoltage = Float32Array.from(ref.flatMap((c) => Array.from(c.voltage)));
    const count = (cs: OutputChunkMsg[]): number =>
      cs.reduce((n, c) => n + Array.from(c.spike, Number).reduce((a, b) => a + b, 0), 0);
    expect(refVoltage[0]).toBeCloseTo(-76, 3); // spec §6.4: every node starts at −76 mV
    for (const v of refVoltage) {
      expect(v).toBeGreaterThan(-90);
      expect(v).toBeLessThan(60);
    }
    expect(summary).toMatchObject({
      bins: BINS,
      referenceBins: BINS,
      referenceSpikes: count(ref),
      surrogateSpikes: count(sur),
    });

    // bin alignment: the same cell stepped here, on the same inputs, gives the same samples
    const given = {
      exc: {
        times: pattern.exc.times.subarray(0, pattern.excOffsets[BINS]),
        ids: pattern.exc.ids.subarray(0, pattern.excOffsets[BINS]),
      },
      inh: {
        times: pattern.inh.times.subarray(0, pattern.inhOffsets[BINS]),
        ids: pattern.inh.ids.subarray(0, pattern.inhOffsets[BINS]),
      },
      seed: SEED,
      generator: GIVEN_INPUTS,
    };
    const local = new TrialRunner(CELL, BINS).runGiven(given);
    expect(Array.from(refVoltage)).toEqual(Array.from(local.somaVoltage));
    expect(ref.flatMap((c) => Array.from(c.spike, Number))).toEqual(Array.from(local.spikeLabels));
  });

  it('integrates the reference as the server was told (serve --method --dt)', async () => {
    const integration = { method: 'backward-euler', dt: 0.025 };
    const other = await startServer({
      modelsDir: dir,
      port: 0,
      host: '127.0.0.1',
      logLevels: ['error'],
      referenceIntegration: integration,
    });
    const n = 100;
    try {
      const pattern = new PatternGenerator(info.defaultInputs(), 1000).generate(SEED);
      const bins = Array.from({ length: n }, (_, t) => ({
        exc: pattern.exc.ids.subarray(pattern.excOffsets[t], pattern.excOffsets[t + 1]),
        inh: pattern.inh.ids.subarray(pattern.inhOffsets[t], pattern.inhOffsets[t + 1]),
      }));
      const client = await NeurotwinClient.connect(other.url);
      await client.open({ model: 'tiny-l5pc', reference: true });
      const arrivals: OutputChunkMsg[] = [];
      client.onOutput((c) => arrivals.push(c));
      await client.sendBins(0, bins);
      await client.close();
      client.disconnect();
      const streamed = arrivals.filter((c) => c.source === 'REFERENCE').flatMap((c) => Array.from(c.voltage));
      const given = (p: { times: Int32Array; ids: Int32Array }, end: number) => ({
        times: p.times.subarray(0, end),
        ids: p.ids.subarray(0, end),
      });
      const inputs = {
        exc: given(pattern.exc, pattern.excOffsets[n]),
        inh: given(pattern.inh, pattern.inhOffsets[n]),
        seed: SEED,
        generator: GIVEN_INPUTS,
      };
      const asTold = new TrialRunner(CELL, n, { neuronOptions: integration }).runGiven(inputs);
      const byDefault = new TrialRunner(CELL, n).runGiven(inputs);
      expect(streamed).toEqual(Array.from(asTold.somaVoltage));
      expect(streamed).not.toEqual(Array.from(byDefault.somaVoltage));
    } finally {
      await other.close();
    }
  });
});
