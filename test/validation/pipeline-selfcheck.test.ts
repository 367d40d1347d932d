/**
 * The comparison pipeline run with NEURON on both sides (engine = NEURON itself): every figure must
 * come out exactly zero. Catches plumbing mistakes (record names, batch order, sampling) in cases.ts
 * independently of the TypeScript engine.
 */
import { describe, it, expect } from '@jest/globals';
import type { CellDescription } from '../../src/reference/neuron-oracle/exchange-format.js';
import { neuronAvailable, runNeuron } from '../../src/reference/neuron-oracle/oracle.js';
import { mechanismCases, passiveCases, type EngineRunner } from './cases.js';
import { pointCell } from './fixtures.js';

const itNeuron = neuronAvailable() ? it : it.skip;
const neuronAsEngine: EngineRunner = (cell, protocol) => runNeuron(cell, protocol);

/** soma + a 3-section apical branch (trunk forking into two tufts), one synapse pair per compartment */
function smallTree(): CellDescription {
  const cell = pointCell({}, { withShell: false });
  const base = { ...cell.sections[0], mechanisms: {}, cm: 2, gPas: 6e-5 };
  cell.sections.push(
    {
      ...base,
      name: 'apic[0]',
      region: 'apical',
      parent: 0,
      parentX: 0.5,
      nseg: 5,
      points: [
        [0, 0, 0, 3],
        [0, 200, 0, 2],
      ],
    },
    {
      ...base,
      name: 'apic[1]',
      region: 'apical',
      parent: 1,
      parentX: 1,
      nseg: 3,
      points: [
        [0, 200, 0, 1.2],
        [50, 300, 0, 0.8],
      ],
    },
    {
      ...base,
      name: 'apic[2]',
      region: 'apical',
      parent: 1,
      parentX: 1,
      nseg: 3,
      points: [
        [0, 200, 0, 1],
        [-40, 320, 0, 0.6],
      ],
    },
  );
  let id = 0;
  for (let s = 1; s < cell.sections.length; s++) {
    for (let k = 0; k < cell.sections[s].nseg; k++, id++) {
      const x = (k + 0.5) / cell.sections[s].nseg;
      cell.synapses.push({ type: 'exc', id, section: s, x }, { type: 'inh', id, section: s, x });
    }
  }
  return cell;
}

describe('comparison pipeline with NEURON on both sides', () => {
  itNeuron('passive cases report zero differences', async () => {
    const rows = await passiveCases(smallTree(), neuronAsEngine);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.value).toBe(0);
  });

  itNeuron('mechanism cases report zero differences (Na transient and SK with its Ca supply)', async () => {
    const rows = await mechanismCases(neuronAsEngine, ['NaTs2', 'SK']);
    expect(rows.map((r) => r.figure)).toEqual([
      'max rel. error m_NaTs2',
      'max rel. error h_NaTs2',
      'max rel. error ina',
      'max rel. error z_SK',
      'max rel. error ik',
      'max rel. error cai',
    ]);
    for (const r of rows) expect(r.value).toBe(0);
  });
});
