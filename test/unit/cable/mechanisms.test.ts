import { describe, it, expect } from '@jest/globals';
import { CaShellPopulation } from '../../../src/reference/cable/ca-shell-population.js';
import { HEAP_STORE } from '../../../src/reference/cable/array-store.js';
import { CompartmentEngine } from '../../../src/reference/cable/engine.js';
import { laneSlots, type CaIon, type Membrane } from '../../../src/reference/cable/membrane.js';
import { NernstCa } from '../../../src/reference/cable/nernst-ca.js';
import { l5pcModel } from '../../../src/reference/cells/l5pc-biophysics.js';
import { caReversal, caShellStep } from '../../../src/reference/mechanisms/ca-shell.js';
import { VOLTAGE_GATED_NAMES } from '../../../src/reference/mechanisms/catalogue.js';
import { branchedTree } from './small-trees.js';

function oneNode(method: Membrane['method']): { membrane: Membrane; ca: CaIon } {
  const membrane: Membrane = {
    dt: 0.025,
    method,
    lanes: 1,
    v: Float64Array.of(-40),
    cur: new Float64Array(1),
    slope: new Float64Array(1),
    dv: Float64Array.of(0.3),
    store: HEAP_STORE,
    kernels: null,
  };
  const nodes = Int32Array.of(0);
  const ca: CaIon = {
    nodes,
    slots: laneSlots(nodes, 1),
    cai: new Float64Array(1),
    eca: new Float64Array(1),
    iCa: new Float64Array(1),
    gCa: new Float64Array(1),
  };
  return { membrane, ca };
}

describe('uniform mechanisms', () => {
  it('a substep runs the Ca shell, the Nernst E_Ca, the channels in catalogue order, SK and the synapses', () => {
    const eng = new CompartmentEngine(l5pcModel(branchedTree()));
    const names = eng.mechanisms.map((m) => m.name);
    const channels = VOLTAGE_GATED_NAMES.filter((n) => eng.channels.some((c) => c.name === n));
    expect(names).toEqual([
      'CaShell',
      'NernstCa',
      ...channels,
      'SK',
      'synapses:ampa-nmda',
      'synapses:gaba-a',
    ]);
  });

  for (const method of ['backward-euler', 'crank-nicolson'] as const) {
    it(`the Ca shell mechanism advances [Ca]i by the equation of mechanisms/ca-shell.ts (${method})`, () => {
      const { membrane, ca } = oneNode(method);
      const shell = { gamma: 0.05, decay: 80, depth: 0.1, minCai: 1e-4 };
      const pop = new CaShellPopulation(
        { ...shell, gamma: Float64Array.of(shell.gamma), decay: Float64Array.of(shell.decay), initCai: 5e-5 },
        ca,
        membrane,
      );
      pop.initialise();
      expect(ca.cai[0]).toBe(5e-5);
      pop.addCurrents();
      ca.iCa[0] = -2e-3; // as the Ca channels would add
      ca.gCa[0] = 1e-4;
      pop.advance();
      // Crank–Nicolson moves i_Ca to the half step: i_Ca + g_Ca·δ
      const iCa = method === 'crank-nicolson' ? -2e-3 + 1e-4 * 0.3 : -2e-3;
      expect(ca.cai[0]).toBe(caShellStep(5e-5, iCa, shell, membrane.dt));
      expect(ca.iCa[0]).toBe(iCa);
      const nernst = new NernstCa(ca, 34, 1, null);
      nernst.addCurrents();
      expect(ca.eca[0]).toBe(caReversal(ca.cai[0], 34));
    });
  }
});
