/**
 * The dashboard's HTTP side: the page and its files from the web folder (nothing outside it), a
 * clear 503 when it is not built, the reference cell of a model with its paper inputs, the projected
 * morphology, and 404s that say what is wrong. Also Open.dendrites through the real server (the
 * fake reference is a point neuron, so the dendrites are refused with a reason).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { listen, serverModule, startServer, type RunningServer } from '../../../src/streaming/server.js';
import { ReferenceLauncher } from '../../../src/streaming/reference-launcher.js';
import { NeurotwinClient, NeurotwinError } from '../../../clients/sdk/index.js';
import { writeTinyModel } from '../../fixtures/tiny-step-model.js';
import { FakeNeuron } from './fake-neuron.js';

describe('dashboard HTTP endpoints', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-dash-http-'));
    const models = join(dir, 'models');
    writeTinyModel(models, { id: 'tiny-if', nExc: 80, nInh: 20, neuron: 'if' });
    writeTinyModel(models, { id: 'tiny-l5pc', nExc: 639, nInh: 639, neuron: 'l5pc-nmda' });
    writeTinyModel(models, { id: 'tiny-odd', nExc: 3, nInh: 1, neuron: 'no-such-cell' });
    const web = join(dir, 'web');
    mkdirSync(web);
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(web, 'app.js'), 'export {};');
    writeFileSync(join(dir, 'secret.js'), 'nope');
    const moduleRef = await Test.createTestingModule({
      imports: [serverModule({ modelsDir: models, webDir: web })],
    })
      .overrideProvider(ReferenceLauncher)
      .useValue(new ReferenceLauncher(() => new FakeNeuron(80, 20), false))
      .compile();
    server = await listen(moduleRef.createNestApplication({ logger: false }), {
      port: 0,
      host: '127.0.0.1',
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / and its files by plain name only', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>t</title>');
    const js = await fetch(`${base}/web/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    for (const path of [
      '/web/..%2Fsecret.js',
      '/web/%2E%2E%2Fsecret.js',
      '/web/nothing.js',
      '/web/.hidden.js',
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('nope');
    }
  });

  it('describes the reference cell of a model, with the paper inputs that fit it', async () => {
    const cell = (await (await fetch(`${base}/models/tiny-if/cell`)).json()) as Record<string, unknown>;
    expect(cell).toMatchObject({ model: 'tiny-if', cell: 'if', nExc: 80, nInh: 20, compartmental: false });
    expect(cell.labelConvention).toBe('spike-bin');
    expect((cell.paperInputs as { nExc: number }).nExc).toBe(80);
    const l5pc = (await (await fetch(`${base}/models/tiny-l5pc/cell`)).json()) as {
      labelConvention: string;
      paperInputs: { groups: { name: string }[] };
    };
    expect(l5pc.labelConvention).toBe('half-bin-offset');
    expect(l5pc.paperInputs.groups.map((g) => g.name)).toEqual(['basal', 'apical']);
  });

  it('gives the projected morphology of a compartmental cell and says why there is none otherwise', async () => {
    const res = await fetch(`${base}/models/tiny-l5pc/morphology`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as { compartments: unknown[]; excCompartment: number[]; plane: string };
    expect(view.plane).toBe('xy');
    expect(view.compartments.length).toBe(639);
    expect(view.excCompartment.length).toBe(639);
    const cases: [string, string][] = [
      ['/models/tiny-if/morphology', "model 'tiny-if' imitates 'if', a point neuron: it has no morphology"],
      ['/models/nope/cell', "no model 'nope' (available: tiny-if, tiny-l5pc, tiny-odd)"],
      ['/models/tiny-odd/cell', "unknown cell 'no-such-cell'"],
    ];
    for (const [path, message] of cases) {
      const r = await fetch(`${base}${path}`);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { message: string }).message).toContain(message);
    }
  });

  it('refuses open.dendrites without the reference, and for a reference with no dendrites', async () => {
    const client = await NeurotwinClient.connect(server.url);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'opened',
        (e: NeurotwinError) => `${e.code}: ${e.message}`,
      );
    expect(await codeOf(client.open({ model: 'tiny-if', dendrites: true }))).toContain(
      'BAD_OPEN: BAD_OPEN: open.dendrites needs reference: true',
    );
    expect(await codeOf(client.open({ model: 'tiny-if', reference: true, dendrites: true }))).toContain(
      "REFERENCE_FAILED: REFERENCE_FAILED: cannot start the reference neuron: cell 'fake' has no dendritic compartments",
    );
    const opened = await client.open({ model: 'tiny-if', reference: true });
    expect(opened.nDendrites ?? 0).toBe(0);
    await client.close();
    client.disconnect();
  });
});

describe('dashboard not built', () => {
  it('answers GET / with 503 and the command that builds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neurotwin-dash-none-'));
    const server = await startServer({
      modelsDir: dir,
      webDir: join(dir, 'none'),
      port: 0,
      host: '127.0.0.1',
      logLevels: false,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /the dashboard is not built .* run `npm run build`/,
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
