/**
 * Frame rate of the browser dashboard while it streams, in headless Chromium at 1280×800: per
 * scenario, the frames the page drew per wall second against the browser's own animation-frame rate
 * on an empty page in the same run (the ratio is what to compare), the twin bins per second that
 * reached the plots, and the page's drawing time per frame (mean of its per-second means, worst
 * frame). Scenarios: if-paper with the I&F reference at real time (1,000 bins/s) and as fast as
 * possible; a throwaway twin of l5pc-nmda at real time with the L5PC reference streaming dendrites
 * (morphology coloured and flashing).
 * Usage: npm run build && node dist/benchmarks/scripts/dashboard-fps.js [seconds=8]
 * Screenshots of the last frame of each scenario go to NEUROTWIN_SCREENSHOTS when it is set.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../../src/streaming/server.js';
import { dashboardDemoModels } from '../../test/fixtures/dashboard-models.js';
import { chromiumAvailable, launchChromium, CHROMIUM_PATH } from '../../test/fixtures/chromium.js';
import type { DashboardState } from '../../clients/web/src/dashboard.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/dashboard-fps.js [seconds=8]
Frame rate of the browser dashboard while it streams, in headless Chromium (NEUROTWIN_SCREENSHOTS:
where to put the last frame of each scenario).`;
const seconds = numberArg('seconds', scriptArgs(USAGE, {}, 1).positionals[0], 8, { min: 1e-3 });
if (!chromiumAvailable()) {
  console.error(`no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  process.exit(2);
}

interface Scenario {
  name: string;
  model: string;
  clock: 'REALTIME' | 'ASAP';
  dendrites: boolean;
  pattern: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'if-paper + I&F reference, real time',
    model: 'if-paper',
    clock: 'REALTIME',
    dendrites: false,
    pattern: 'paper',
  },
  {
    name: 'if-paper + I&F reference, as fast as possible',
    model: 'if-paper',
    clock: 'ASAP',
    dendrites: false,
    pattern: 'paper',
  },
  {
    name: 'l5pc twin fixture + L5PC reference with dendrites, real time',
    model: 'tiny-l5pc',
    clock: 'REALTIME',
    dendrites: true,
    pattern: 'paper',
  },
];

const state = (page: Page): Promise<DashboardState> => page.evaluate(() => window.neurotwinDashboard);

async function animationFrameRate(page: Page, ms: number): Promise<number> {
  await page.setContent('<p>idle</p>');
  return page.evaluate(
    (span) =>
      new Promise<number>((done) => {
        let frames = 0;
        const t0 = performance.now();
        const tick = (t: number) => {
          frames++;
          if (t - t0 < span) requestAnimationFrame(tick);
          else done((frames * 1000) / (t - t0));
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

const models = dashboardDemoModels('neurotwin-dashboard-bench-');
const dir = dirname(models);
const server = await startServer({ modelsDir: models, port: 0, host: '127.0.0.1', logLevels: ['error'] });
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  const baseline = await animationFrameRate(page, seconds * 1000);
  console.log(`empty page: ${baseline.toFixed(1)} animation frames/s`);
  for (const sc of SCENARIOS) {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForFunction(() => window.neurotwinDashboard?.message.startsWith('ready'));
    await page.selectOption('#model', sc.model);
    await page.waitForFunction(
      (m) => window.neurotwinDashboard.model === m && window.neurotwinDashboard.message.startsWith('ready'),
      sc.model,
    );
    if (sc.dendrites) await page.check('#dendrites');
    // the twin streams at its own pace and the plots follow it (the slow reference lags behind)
    await page.uncheck('#follow');
    await page.selectOption('#view-end', 'twin');
    await page.selectOption('#clock', sc.clock);
    await page.selectOption('#pattern', sc.pattern);
    await page.fill('#duration', String(sc.clock === 'ASAP' ? 600 : seconds + 10));
    await page.click('#start');
    await page.waitForFunction(() => window.neurotwinDashboard.surrogateBins > 500);
    const a = await state(page);
    const t0 = Date.now();
    const draw: number[] = [];
    let worst = 0;
    while (Date.now() - t0 < seconds * 1000) {
      await page.waitForTimeout(1000);
      const s = await state(page);
      draw.push(s.drawMsMean);
      worst = Math.max(worst, s.drawMsMax);
    }
    const b = await state(page);
    const wall = (Date.now() - t0) / 1000;
    const fps = (b.frames - a.frames) / wall;
    const binsPerS = (b.surrogateBins - a.surrogateBins) / wall;
    const meanDraw = draw.reduce((x, y) => x + y, 0) / draw.length;
    console.log(
      `${sc.name}: ${fps.toFixed(1)} frames/s (${((100 * fps) / baseline).toFixed(0)} % of the empty page's rate), ` +
        `${binsPerS.toFixed(0)} twin bins/s plotted, drawing ${meanDraw.toFixed(2)} ms per frame (worst ${worst.toFixed(1)} ms), ` +
        `reference lag ${b.referenceLag} bins${sc.dendrites ? `, dendrites of bin ${b.plotted.colouredBin}, ${b.plotted.flashes} synapses flashing` : ''}`,
    );
    if (process.env.NEUROTWIN_SCREENSHOTS) {
      await page.screenshot({
        path: join(process.env.NEUROTWIN_SCREENSHOTS, `bench-${sc.model}-${sc.clock.toLowerCase()}.png`),
      });
    }
    // the next page load drops this session's socket (the server stops its reference)
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
