/**
 * `npm run validate`: every engine-vs-NEURON comparison (spec §11) as one table; exits 1 when a
 * figure is over its limit or a comparison could not run.
 */
import { neuronAvailable } from '../../src/reference/neuron-oracle/oracle.js';
import { fullCellCase, mechanismCases, passiveCases, type ComparisonRow } from './cases.js';
import { engineSide as engine } from './engine-side.js';
import { formatRows } from './report-format.js';

async function main(): Promise<number> {
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
  await step('mechanisms under voltage clamp', () => mechanismCases(engine.run));
  for (const [cellName, dataset] of [
    ['l5pc-nmda', 'nmda'],
    ['l5pc-ampa', 'ampa'],
  ] as const) {
    const cell = engine.describe(cellName);
    if (!cell) {
      problems.push(`${cellName}: the engine has no description of this cell`);
      continue;
    }
    if (cellName === 'l5pc-nmda') await step(`${cellName} passive`, () => passiveCases(cell, engine.run));
    await step(
      `${cellName} 2 s paper inputs`,
      async () => (await fullCellCase(cell, dataset, engine.run)).rows,
    );
  }
  process.stdout.write(`${formatRows(rows)}\n`);
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
