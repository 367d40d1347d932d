/**
 * `npm run validate`: every engine-vs-NEURON comparison (spec §11) as one table, then every
 * integrator setting against NEURON's CVode (the accuracy table); exits 1 when a figure is over its
 * limit, the measured fastest setting that meets the rule is not DEFAULT_INTEGRATION, or a
 * comparison could not run.
 *
 *   npm run validate [-- --accuracy-seeds 101,102,... --accuracy-duration MS | --accuracy-only]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_INTEGRATION, integrationLabel } from '../../src/reference/integration.js';
import { neuronAvailable } from '../../src/reference/neuron-oracle/oracle.js';
import { chooseDefault, ENGINE_SETTINGS, measureAccuracy, type AccuracyCase } from './accuracy.js';
import { formatAccuracy } from './accuracy-format.js';
import { fullCellCase, mechanismCases, passiveCases, type ComparisonRow } from './cases.js';
import { engineSide as engine } from './engine-side.js';
import { formatRows } from './report-format.js';

/** Trials of the accuracy table: six 3-s trials per cell, none of them used by the jest tests. */
const ACCURACY_SEEDS = [101, 102, 103, 104, 105, 106];
const ACCURACY_DURATION_MS = 3000;

function options(): { seeds: number[]; durationMs: number; accuracyOnly: boolean } {
  const { values } = parseArgs({
    options: {
      'accuracy-seeds': { type: 'string' },
      'accuracy-duration': { type: 'string' },
      'accuracy-only': { type: 'boolean', default: false },
    },
  });
  const seeds = values['accuracy-seeds']?.split(',').map(Number) ?? ACCURACY_SEEDS;
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new RangeError(
      `--accuracy-seeds must be comma-separated integers ≥ 0, got '${values['accuracy-seeds']}'`,
    );
  const durationMs = Number(values['accuracy-duration'] ?? ACCURACY_DURATION_MS);
  if (!Number.isInteger(durationMs) || durationMs <= 0)
    throw new RangeError(
      `--accuracy-duration must be a positive integer (ms), got '${values['accuracy-duration']}'`,
    );
  return { seeds, durationMs, accuracyOnly: values['accuracy-only'] ?? false };
}

async function main(): Promise<number> {
  const opts = options();
  if (!neuronAvailable()) {
    process.stderr.write(
      'validate: NEURON is not importable by /usr/bin/python3 (apt-get install neuron neuron-dev python3-neuron)\n',
    );
    return 1;
  }
  const rows: ComparisonRow[] = [];
  const problems: string[] = [];
  const started = Date.now();
  const step = async (what: string, fn: () => Promise<ComparisonRow[]>): Promise<void> => {
    process.stderr.write(`validate: ${what} ...\n`);
    try {
      rows.push(...(await fn()));
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const accuracyCases: AccuracyCase[] = [];
  if (!opts.accuracyOnly) await step('mechanisms under voltage clamp', () => mechanismCases(engine.run));
  for (const [cellName, dataset] of [
    ['l5pc-nmda', 'nmda'],
    ['l5pc-ampa', 'ampa'],
  ] as const) {
    const cell = engine.describe(cellName);
    if (!cell) {
      problems.push(`${cellName}: the engine has no description of this cell`);
      continue;
    }
    accuracyCases.push({ cell, dataset });
    if (opts.accuracyOnly) continue;
    if (cellName === 'l5pc-nmda') await step(`${cellName} passive`, () => passiveCases(cell, engine.run));
    await step(
      `${cellName} 2 s paper inputs`,
      async () => (await fullCellCase(cell, dataset, engine.run)).rows,
    );
  }
  let accuracyTable = '';
  await step(
    `every integrator setting against CVode (${opts.seeds.length} trials × ${opts.durationMs} ms per cell)`,
    async () => {
      const run = await measureAccuracy(accuracyCases, engine.runPaper, ENGINE_SETTINGS, {
        ...opts,
        onProgress: (what) => process.stderr.write(`validate:   ${what}\n`),
      });
      accuracyTable = formatAccuracy(run, DEFAULT_INTEGRATION);
      const chosen = chooseDefault(run);
      const label = chosen ? integrationLabel(chosen.setting) : 'none';
      const ok = chosen !== null && label === integrationLabel(DEFAULT_INTEGRATION);
      return [
        {
          case: 'integrator accuracy vs CVode',
          figure: 'fastest setting as good as NEURON fixed BE 0.025',
          value: ok ? 0 : 1,
          limit: 0,
          pass: ok,
          note: `measured ${label}; DEFAULT_INTEGRATION ${integrationLabel(DEFAULT_INTEGRATION)}`,
        },
      ];
    },
  );
  process.stdout.write(`${formatRows(rows)}\n`);
  if (accuracyTable) process.stdout.write(`\n${accuracyTable}\n`);
  const failed = rows.filter((r) => !r.pass).length;
  for (const p of problems) process.stdout.write(`ERROR ${p}\n`);
  process.stdout.write(
    `\n${rows.length - failed}/${rows.length} figures within limits, ${problems.length} comparisons not run (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
  return failed === 0 && problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`validate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
