/**
 * Takes the README's dashboard screenshots (1280×800, headless Chromium): docs/dashboard-if.png,
 * if-paper against the I&F reference on the paper's inputs at real time; docs/dashboard-l5pc.png, a
 * throwaway twin of l5pc-nmda (no L5PC twin ships yet, so its trace is meaningless) next to the
 * real L5PC reference, driven by bursts, with dendritic voltages, the inputs keeping pace with it.
 * Usage: npm run build && node dist/benchmarks/scripts/dashboard-screenshots.js [outDir=docs]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../../src/streaming/server.js';
import { dashboardDemoModels } from '../../test/fixtures/dashboard-models.js';
import { chromiumAvailable, launchChromium, CHROMIUM_PATH } from '../../test/fixtures/chromium.js';
import { scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/dashboard-screenshots.js [outDir=docs]
Takes the README's dashboard screenshots (1280×800, headless Chromium) into outDir.`;
const outDir = resolve(scriptArgs(USAGE, {}, 1).positionals[0] ?? 'docs');
if (!chromiumAvailable()) {
  console.error(`no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

async function ready(page: Page, model: string): Promise<void> {
  await page.selectOption('#model', model);
  await page.waitForFunction(
    (m) => window.neurotwinDashboard.model === m && window.neurotwinDashboard.message.startsWith('ready'),
    model,
  );
}

const models = dashboardDemoModels('neurotwin-screenshots-');
const dir = dirname(models);
const server = await startServer({ modelsDir: models, port: 0, host: '127.0.0.1', logLevels: ['error'] });
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.waitForFunction(() => window.neurotwinDashboard?.message.startsWith('ready'));

  await ready(page, 'if-paper');
  await page.fill('#duration', '20');
  await page.fill('#seed', '3');
  await page.click('#start');
  await page.waitForFunction(() => window.neurotwinDashboard.surrogateBins >= 8000, null, {
    timeout: 60_000,
  });
  await page.screenshot({ path: join(outDir, 'dashboard-if.png') });
  await page.click('#stop');
  await page.waitForFunction(() => window.neurotwinDashboard.session === 'closed');

  await ready(page, 'tiny-l5pc');
  await page.check('#dendrites');
  await page.selectOption('#pattern', 'bursts');
  await page.fill('#exc-hz', '4');
  await page.fill('#inh-hz', '4');
  await page.fill('#burst-hz', '60');
  await page.fill('#period', '400');
  await page.fill('#width', '25');
  await page.fill('#duration', '2');
  await page.selectOption('#window', '1000');
  await page.click('#start');
  // a frame a few ms after a burst's onset, while the back-propagating spike is in the dendrites
  await page.waitForFunction(() => window.neurotwinDashboard.plotted.colouredBin >= 812, null, {
    timeout: 600_000,
  });
  await page.screenshot({ path: join(outDir, 'dashboard-l5pc.png') });
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
