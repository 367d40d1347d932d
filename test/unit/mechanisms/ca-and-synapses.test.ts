import { describe, it, expect } from '@jest/globals';
import { caReversal, caShellStep, caInfluxFactor } from '../../../src/reference/mechanisms/ca-shell.js';
import { skZInf } from '../../../src/reference/mechanisms/sk.js';
import {
  AMPA,
  AMPA_NMDA,
  GABA_A,
  mgBlock,
  normalisationFactor,
  peakTime,
} from '../../../src/reference/mechanisms/synapses.js';
import { SynapsePopulation } from '../../../src/reference/cable/synapse-population.js';
import { DEFAULT_GRID } from '../../../src/reference/cable/gate-table.js';
import { HEAP_STORE } from '../../../src/reference/cable/array-store.js';
import type { Membrane } from '../../../src/reference/cable/membrane.js';

/** A one-node membrane for a mechanism on its own. */
function membrane(dt: number, v = 0): Membrane {
  return {
    dt,
    method: 'backward-euler',
    lanes: 1,
    v: Float64Array.of(v),
    cur: new Float64Array(1),
    slope: new Float64Array(1),
    dv: new Float64Array(1),
    store: HEAP_STORE,
    kernels: null,
  };
}

describe('Ca shell and Nernst (U10)', () => {
  it('E_Ca at 6.3 °C: 127.590 mV at 5e-5 mM and 119.244 mV at 1e-4 mM', () => {
    expect(caReversal(5e-5, 6.3)).toBeCloseTo(127.59, 2);
    expect(caReversal(1e-4, 6.3)).toBeCloseTo(119.244, 2);
  });
  it('at 34 °C: 140.2 and 131.1 mV (spec §3.3)', () => {
    expect(caReversal(5e-5, 34)).toBeCloseTo(140.2, 1);
    expect(caReversal(1e-4, 34)).toBeCloseTo(131.1, 1);
  });
  it('influx factor 1e4/(2Fδ) = 0.51821 mM/ms per mA/cm² for γ = 1, δ = 0.1 µm', () => {
    expect(caInfluxFactor(1, 0.1)).toBeCloseTo(0.51821, 5);
  });
  it('the exact update matches a fine forward-Euler integration of the shell equation', () => {
    const p = { gamma: 0.000509, decay: 294.679571, depth: 0.1, minCai: 1e-4 };
    const iCa = -0.002; // inward, mA/cm²
    const exact = caShellStep(5e-5, iCa, p, 10);
    let c = 5e-5;
    const h = 1e-4; // forward Euler, 100 000 steps
    for (let s = 0; s < 10 / h; s++)
      c += h * (-caInfluxFactor(p.gamma, p.depth) * iCa - (c - p.minCai) / p.decay);
    expect(Math.abs(exact - c) / c).toBeLessThan(1e-6);
    expect(exact).toBeGreaterThan(5e-5);
  });
  it('SK z∞ (spec §4.7): 3.27e-5, 9.10e-4, 0.983', () => {
    expect(skZInf(5e-5)).toBeCloseTo(3.27e-5, 7);
    expect(skZInf(1e-4)).toBeCloseTo(9.1e-4, 6);
    expect(skZInf(1e-3)).toBeCloseTo(0.983, 3);
    expect(skZInf(0)).toBeGreaterThan(0);
  });
});

describe('synapse normalisation (U9, table 5.2)', () => {
  it('peak times and factors', () => {
    expect(peakTime(0.3, 3)).toBeCloseTo(0.76753, 5);
    expect(normalisationFactor(0.3, 3)).toBeCloseTo(1.435055, 5);
    expect(peakTime(2, 70)).toBeCloseTo(7.31983, 5);
    expect(normalisationFactor(2, 70)).toBeCloseTo(1.142886, 5);
    expect(peakTime(0.2, 8)).toBeCloseTo(0.75669, 5);
    expect(normalisationFactor(0.2, 8)).toBeCloseTo(1.127389, 5);
  });
  it('rejects tauRise >= tauDecay', () => {
    expect(() => normalisationFactor(3, 3)).toThrow(/tauRise < tauDecay/);
  });
  for (const params of [AMPA, GABA_A]) {
    it(`one isolated ${params.kind} event peaks at gmax at t_p`, () => {
      const dt = 0.001;
      const pop = new SynapsePopulation(params, Int32Array.of(0), membrane(dt), 'exact', DEFAULT_GRID);
      pop.deliver(0);
      expect(pop.conductance(0)).toBe(0);
      let peak = 0;
      let peakStep = 0;
      for (let s = 1; s <= 20000; s++) {
        pop.advance();
        const g = pop.conductance(0);
        if (g > peak) {
          peak = g;
          peakStep = s;
        }
      }
      expect(Math.abs(peak - params.gmax) / params.gmax).toBeLessThan(1e-5);
      expect(Math.abs(peakStep * dt - peakTime(params.tauRise, params.tauDecay))).toBeLessThanOrEqual(dt);
    });
  }
  it('AMPA+NMDA: each component peaks at gmax; events sum linearly', () => {
    const dt = 0.001;
    const pop = new SynapsePopulation(AMPA_NMDA, Int32Array.of(0, 0), membrane(dt), 'exact', DEFAULT_GRID);
    pop.deliver(0);
    pop.deliver(1);
    pop.deliver(1);
    let peakN = 0;
    for (let s = 1; s <= 30000; s++) {
      pop.advance();
      peakN = Math.max(peakN, AMPA_NMDA.gmax * (pop.bn[0] - pop.an[0]));
    }
    expect(Math.abs(peakN - AMPA_NMDA.gmax) / AMPA_NMDA.gmax).toBeLessThan(1e-5);
    expect(pop.bn[1]).toBeCloseTo(2 * pop.bn[0], 12);
  });
  it('Mg block values of spec §5.2', () => {
    const expected: [number, number][] = [
      [-80, 0.0059],
      [-60, 0.0285],
      [-40, 0.127],
      [-20, 0.419],
      [0, 0.781],
      [20, 0.946],
    ];
    for (const [v, b] of expected) expect(Math.abs(mgBlock(v, 1) - b)).toBeLessThan(0.0006);
  });
  it('the NMDA slope term matches a finite difference of the current', () => {
    const m = membrane(0.025);
    const pop = new SynapsePopulation(AMPA_NMDA, Int32Array.of(0), m, 'exact', DEFAULT_GRID);
    pop.deliver(0);
    for (let s = 0; s < 100; s++) pop.advance();
    for (const v0 of [-70, -40, -10]) {
      const at = (v: number): { cur: number; slope: number } => {
        m.v[0] = v;
        m.cur[0] = 0;
        m.slope[0] = 0;
        pop.addCurrents();
        return { cur: m.cur[0], slope: m.slope[0] };
      };
      const here = at(v0);
      const there = at(v0 + 1e-6);
      expect(here.slope).toBeCloseTo((there.cur - here.cur) / 1e-6, 7);
    }
  });
});
