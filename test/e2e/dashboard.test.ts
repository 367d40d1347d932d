/**
 * The browser dashboard in a real browser (Debian's Chromium through playwright-core): the page
 * served at GET / by the real server, sessions started from it by keyboard and mouse, bins reaching
 * the plots (read from the page's published state and its DOM), a screenshot of each, and the
 * downloaded session replayed by `neurotwin simulate --inputs` giving the streamed reference back.
 * The L5PC part uses a throwaway model whose manifest names `l5pc-nmda` (no L5PC twin ships yet),
 * with the real L5PC reference in its worker thread streaming dendritic voltages.
 * Skipped with a message when Chromium or the built page is missing. NEUROTWIN_SCREENSHOTS=DIR keeps
 * the screenshots there (default: a temporary folder, deleted afterwards).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/streaming/server.js';
import { referenceWorkerScript } from '../../src/streaming/reference-runner.js';
import { defaultWebDir } from '../../src/streaming/dashboard/web-assets.js';
import { simulateCommand } from '../../src/cli/simulate.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { writeTinyModel } from '../fixtures/tiny-step-model.js';
import {
  chromiumAvailable,
  launchChromium,
  CHROMIUM_PATH,
  type LaunchedBrowser,
} from '../fixtures/chromium.js';
import type { DashboardState } from '../../clients/web/src/dashboard.js';

const built = existsSync(join(defaultWebDir(), 'index.html'));
const hasWorker = referenceWorkerScript() !== null;
const skip = !chromiumAvailable()
  ? `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`
  : !built
    ? 'the dashboard is not built (npm run build)'
    : !hasWorker
      ? 'the reference worker is not built (npm run build)'
      : null;
if (skip) console.warn(`dashboard e2e skipped: ${skip}`);

const state = (page: Page): Promise<DashboardState> => page.evaluate(() => window.neurotwinDashboard);

async function waitFor(page: Page, what: string, test: (s: DashboardState) => boolean, timeoutMs = 90_000) {
  const start = Date.now();
  for (;;) {
    const s = await state(page);
    if (test(s)) return s;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await page.waitForTimeout(100);
  }
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

(skip ? describe.skip : describe)('e2e: the dashboard in Chromium', () => {
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let dir: string;
  let shots: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-dashboard-'));
    const models = join(dir, 'models');
    cpSync(resolve('models', 'if-paper'), join(models, 'if-paper'), { recursive: true });
    const l5pc = cellInfo('l5pc-nmda');
    writeTinyModel(models, { id: 'tiny-l5pc', neuron: 'l5pc-nmda', nExc: l5pc.nExc, nInh: l5pc.nInh });
    shots = process.env.NEUROTWIN_SCREENSHOTS ?? join(dir, 'shots');
    mkdirSync(shots, { recursive: true });
    server = await startServer({ modelsDir: models, port: 0, host: '127.0.0.1', logLevels: ['error'] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await waitFor(page, 'the models', (s) => s.message.startsWith('ready'), 30_000);
    expect(problems).toEqual([]);
    return page;
  }

  it('streams an I&F session started from the keyboard into the plots; its download replays through simulate', async () => {
    const page = await openPage();
    // keyboard: the first Tab stop is the model picker; the form is filled and started without the mouse
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('model');
    await page.selectOption('#model', 'if-paper');
    await page.selectOption('#clock', 'ASAP');
    await page.fill('#duration', '3');
    await page.fill('#seed', '41');
    await page.focus('#start');
    await page.keyboard.press('Enter');
    const done = await waitFor(page, 'the session to close', (s) => s.session === 'closed');
    expect(done.binsSent).toBe(3000);
    expect(done.surrogateBins).toBe(3000);
    expect(done.referenceBins).toBe(3000);
    // the plots drew the newest 2-s window of both traces and its input spikes
    const drawn = await waitFor(page, 'a frame of the closed session', (s) => s.plotted.traceBins === 4000);
    expect(drawn.plotted.rasterSpikes).toBeGreaterThan(0);
    expect(drawn.figures?.alignedBins).toBe(3000);
    expect(drawn.figures?.rmse).toBeGreaterThan(0);
    expect(await page.textContent('#fig-bins')).toContain('3,000');
    const png = await page.screenshot({ path: join(shots, 'dashboard-if.png') });
    expect(pngSize(png)).toEqual({ width: 1280, height: 800 });

    // download by key 'd' (focus outside the text fields)
    await page.focus('#download');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('d')]);
    const file = join(dir, 'session-if.json');
    await download.saveAs(file);
    const session = JSON.parse(readFileSync(file, 'utf8'));
    expect(session).toMatchObject({
      format: 'neurotwin-session',
      model: 'if-paper',
      cell: 'if',
      durationMs: 3000,
    });
    expect(session.reference.bins).toBe(3000);
    expect(session.surrogate.somaVoltage.length).toBe(3000);
    expect(session.exc.length).toBeGreaterThan(0);

    const out = join(dir, 'replay.json');
    await simulateCommand({ cell: 'if', inputs: file, seed: 1, out });
    const replay = JSON.parse(readFileSync(out, 'utf8'));
    expect(replay.somaVoltage.length).toBe(3000);
    for (let k = 0; k < 3000; k++)
      expect(replay.somaVoltage[k]).toBeCloseTo(session.reference.somaVoltage[k], 4);
    expect(replay.spikeLabelBins).toEqual(session.reference.spikeBins);
    await page.close();
  });

  it('shows the L5PC reference cell with flashing synapses and branches coloured by dendritic voltage', async () => {
    const page = await openPage();
    await page.selectOption('#model', 'tiny-l5pc');
    await waitFor(page, 'the L5PC cell', (s) => s.cell === 'l5pc-nmda' && s.message.startsWith('ready'));
    await page.check('#dendrites');
    await page.selectOption('#clock', 'ASAP');
    await page.fill('#duration', '0.6');
    await page.fill('#seed', '7');
    await page.selectOption('#window', '1000');
    await page.click('#start');
    // while the slower reference runs, its newest dendritic row colours the branches
    const live = await waitFor(page, 'dendrite-coloured frames', (s) => s.plotted.colouredBin >= 20, 180_000);
    expect(live.nDendrites).toBe(639);
    expect(live.plotted.traceBins).toBeGreaterThan(0);
    const done = await waitFor(page, 'the session to close', (s) => s.session === 'closed', 300_000);
    expect(done.referenceBins).toBe(600);
    const last = await waitFor(page, 'the last bin on the cell', (s) => s.plotted.colouredBin === 599);
    // inputs of the last FLASH_MS bins are still flashing, and every reference bin is on the trace
    expect(last.plotted.flashes).toBeGreaterThan(0);
    expect(last.plotted.traceBins).toBe(1200);
    const png = await page.screenshot({ path: join(shots, 'dashboard-l5pc.png') });
    expect(pngSize(png)).toEqual({ width: 1280, height: 800 });
    await page.close();
  });

  it('pauses, resumes and stops a real-time session from the keyboard', async () => {
    const page = await openPage();
    await page.selectOption('#model', 'if-paper');
    await page.selectOption('#pattern', 'poisson');
    await page.fill('#duration', '60');
    await page.focus('#start');
    await page.keyboard.press('s');
    await waitFor(page, 'bins at real time', (s) => s.surrogateBins > 300);
    await page.keyboard.press('p');
    const paused = await waitFor(page, 'the pause', (s) => s.session === 'paused');
    // nothing more is sent while paused; what was in flight drains
    await page.waitForTimeout(1000);
    const later = await state(page);
    expect(later.binsSent).toBe(paused.binsSent);
    expect(later.surrogateBins).toBe(later.binsSent);
    await page.keyboard.press('p');
    await waitFor(
      page,
      'the stream to go on',
      (s) => s.session === 'running' && s.surrogateBins > later.surrogateBins,
    );
    await page.keyboard.press('x');
    const done = await waitFor(page, 'the session to close', (s) => s.session === 'closed');
    expect(done.binsSent).toBeLessThan(60_000);
    expect(done.surrogateBins).toBe(done.binsSent);
    expect(done.referenceBins).toBe(done.binsSent);
    expect(await page.textContent('#status')).toContain(`closed: ${done.binsSent} bins`);
    await page.close();
  });

  it('answers a bad input file with a one-line message naming the file and the problem', async () => {
    const page = await openPage();
    await page.selectOption('#model', 'if-paper');
    await page.selectOption('#pattern', 'file');
    await page.setInputFiles('#file', {
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ durationMs: 5, exc: [[999, 0]] })),
    });
    await page.waitForTimeout(200);
    await page.click('#start');
    const s = await waitFor(page, 'the error', (x) => x.message.startsWith('bad.json'));
    expect(s.message).toBe('bad.json: exc[0]: synapse id 999 is not an integer in [0, 80)');
    expect(s.session).toBe('idle');
    await page.close();
  });
});
