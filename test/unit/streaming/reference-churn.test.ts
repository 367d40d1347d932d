/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 */
/**
 * Churn of reference sessions against the real reference worker pool (the compiled worker of
 * dist/; `npm test` builds it first): 30 opens with the I&F reference, 10 at a time, beside a
 * REALTIME control session. Every session gets every reference bin, opens stay quick and the
 * control stays near its schedule (generous bounds on this shared machine; the measured figures
 * are printed; `npm run bench:flood` measures 150 opens, 20 in parallel).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../src/streaming/server.js';
import { referenceWorkerScript } from '../../../src/streaming/reference-runner.js';
import { ReferenceLauncher } from '../../../src/streaming/reference-launcher.js';
import { churn, realtimeControl } from '../../../benchmarks/stream-pressure.js';
import { NeurotwinClient } from '../../../clients/sdk/index.js';
import { writeTinyModel } from '../../fixtures/tiny-step-model.js';

const N_EXC = 80;
const N_INH = 20;
const CONTROL_LAG_BOUND_MS = 1000;
const hasWorker = referenceWorkerScript() !== null;

if (!hasWorker)
  console.warn('reference churn test skipped: run `npm run build` first (the reference worker)');

(hasWorker ? describe : describe.skip)('reference-session churn (worker pool, I&F reference)', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-churn-'));
    writeTinyModel(dir, { id: 'tiny-if', nExc: N_EXC, nInh: N_INH, neuron: 'if' });
    // a model whose reference cell the registry does not know: its worker must refuse it alone
    writeTinyModel(dir, { id: 'tiny-nocell', nExc: N_EXC, nInh: N_INH, neuron: 'no-such-cell' });
    server = await startServer({
      modelsDir: dir,
      port: 0,
      host: '127.0.0.1',
      logLevels: ['error'],
      referenceWorkers: 2,
    });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves 30 reference opens, 10 at a time, from a pool of 2 prewarmed workers beside a REALTIME session', async () => {
    const launcher = server.app.get(ReferenceLauncher);
    expect(launcher.mode).toBe('worker');
    expect(launcher.workers).toBe(2);
    await launcher.warm();
    const session = { model: 'tiny-if', nExc: N_EXC, nInh: N_INH };
    const control = await realtimeControl(server.url, session);
    await new Promise((r) => setTimeout(r, 300));
    const result = await churn(server.url, { ...session, opens: 30, parallel: 10, bins: 200 });
    const lag = await control.stop();
    console.log(
      `churn: ${result.opens} opens, 10 in parallel: open → opened max ${result.maxOpenMs.toFixed(1)} ms, ` +
        `mean ${result.meanOpenMs.toFixed(1)} ms; ${result.complete} complete; control max lag ${lag.maxLagMs.toFixed(1)} ms, ` +
        `mean ${lag.meanLagMs.toFixed(2)} ms over ${lag.bins} bins`,
    );
    expect(result.opens).toBe(30);
    expect(result.complete).toBe(30);
    expect(result.maxOpenMs).toBeLessThan(2000);
    expect(lag.disorder).toBe(0);
    expect(lag.bins).toBeGreaterThan(200);
    expect(lag.maxLagMs).toBeLessThan(CONTROL_LAG_BOUND_MS);
  });

  it('fails an open whose cell the worker cannot build with REFERENCE_FAILED, and the pool goes on', async () => {
    const bad = await NeurotwinClient.connect(server.url);
    await expect(bad.open({ model: 'tiny-nocell', reference: true })).rejects.toMatchObject({
      code: 'REFERENCE_FAILED',
    });
    bad.disconnect();
    const result = await churn(server.url, {
      model: 'tiny-if',
      nExc: N_EXC,
      nInh: N_INH,
      opens: 2,
      parallel: 2,
      bins: 50,
    });
    expect(result.complete).toBe(2);
  });
});
