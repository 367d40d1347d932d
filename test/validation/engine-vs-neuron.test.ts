/**
 * The TypeScript engine against NEURON on the same described cell and protocol (spec §11):
 * passive cell, each mechanism under voltage clamp, and the full L5PC under the paper's inputs.
 * Skips (with a note) where NEURON is not available.
 */
import { describe, it, expect } from '@jest/globals';
import { neuronAvailable } from '../../src/reference/neuron-oracle/oracle.js';
import { fullCellCase, mechanismCases, passiveCases, type ComparisonRow } from './cases.js';
import { engineSide } from './engine-side.js';
import { formatRows } from './report-format.js';

const engine = neuronAvailable() ? engineSide : null;
const l5pcNmda = engine ? engine.describe('l5pc-nmda') : null;
const l5pcAmpa = engine ? engine.describe('l5pc-ampa') : null;
if (!neuronAvailable()) process.stderr.write('engine-vs-neuron: NEURON not importable, skipping\n');

function expectAllPass(rows: ComparisonRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  const failed = rows.filter((r) => !r.pass);
  if (failed.length) throw new Error(`comparisons over their limits:\n${formatRows(failed)}`);
}

const withEngine = engine ? it : it.skip;
const withNmda = engine && l5pcNmda ? it : it.skip;
const withAmpa = engine && l5pcAmpa ? it : it.skip;

describe('TypeScript engine vs NEURON', () => {
  withEngine(
    'each active mechanism alone under a voltage-clamp family: gates and currents within 1e-3',
    async () => {
      expectAllPass(await mechanismCases(engine!.run));
    },
  );

  withNmda(
    'passive l5pc-nmda, soma step and synaptic input: max |ΔV| ≤ 0.05 mV at soma and distal tuft',
    async () => {
      expectAllPass(await passiveCases(l5pcNmda!, engine!.run));
    },
  );

  withNmda(
    'active l5pc-nmda, 2 s of paper inputs: every spike within ±0.5 ms, subthreshold mean |ΔV| ≤ 0.3 mV',
    async () => {
      expectAllPass((await fullCellCase(l5pcNmda!, 'nmda', engine!.run)).rows);
    },
    600_000,
  );

  withAmpa(
    'active l5pc-ampa, 2 s of paper inputs: every spike within ±0.5 ms, subthreshold mean |ΔV| ≤ 0.3 mV',
    async () => {
      expectAllPass((await fullCellCase(l5pcAmpa!, 'ampa', engine!.run)).rows);
    },
    600_000,
  );
});
