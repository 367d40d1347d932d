import { describe, it, expect } from '@jest/globals';
import { createL5pc, l5pcCellModel } from '../../../src/reference/cells/l5pc.js';
import { apicalIhDensity, apicalLvaDensity } from '../../../src/reference/cells/l5pc-biophysics.js';
import { REGION_CODE } from '../../../src/reference/cable/compartment-tree.js';

describe('L5PC biophysics (spec §4.13–§4.16)', () => {
  it('apical Ih range of U6 and the hot-zone values', () => {
    expect(apicalIhDensity(0, 1300.53)).toBeCloseTo(1.2174e-4, 8);
    expect(apicalIhDensity(2000, 1300.53)).toBeCloseTo(2.1024e-3, 7);
    expect(apicalLvaDensity(700)).toBeCloseTo(0.2271264, 9);
    expect(apicalLvaDensity(685)).toBeCloseTo(0.002271264, 11);
  });

  it('procedural cell: 639 synapses per type in dendrites, Na only in soma/axon/apical, cm 2 in dendrites', () => {
    const model = l5pcCellModel('l5pc-nmda');
    const t = model.tree;
    expect(model.synapses.excNodes.length).toBe(639);
    expect(model.synapses.exc.kind).toBe('ampa-nmda');
    expect(l5pcCellModel('l5pc-ampa').synapses.exc.kind).toBe('ampa');
    let hot = 0;
    for (let i = 0; i < t.nNodes; i++) {
      if (t.region[i] === REGION_CODE.basal) {
        expect(model.cm[i]).toBe(2);
        expect(model.mechanisms.NaTs2![i]).toBe(0);
        expect(model.mechanisms.Ih![i]).toBe(5e-5);
      }
      if (t.region[i] === REGION_CODE.apical && model.mechanisms.CaLVA![i] > 0.1) hot++;
    }
    expect(hot).toBe(19); // spec §2.5: the procedural cell has 19 hot-zone compartments
  });
});

describe('procedural l5pc-nmda without synaptic input (spec §11.2, §11.6)', () => {
  // one cell, settled once; each check starts from the settled snapshot
  const cell = createL5pc('l5pc-nmda');
  const eng = cell.engine;
  const run = (ms: number, inj = 0, each?: () => void): void => {
    eng.injection[0] = inj;
    for (let s = 0; s < Math.round(ms / eng.dt); s++) {
      eng.step();
      each?.();
    }
    eng.injection[0] = 0;
  };
  run(600);
  const settled = eng.snapshot();
  const vRest = eng.v[0];

  it('drifts from −76 mV to ≈ −81 mV (NEURON: −81.02 mV at rest)', () => {
    expect(vRest).toBeGreaterThan(-81.4);
    expect(vRest).toBeLessThan(-80.6);
  });

  it('input resistance for −0.1 nA ≈ 41.9 MΩ with a sag', () => {
    eng.restore(settled);
    let minV = Infinity;
    run(500, -0.1, () => (minV = Math.min(minV, eng.v[0])));
    const rSteady = (vRest - eng.v[0]) / 0.1;
    const rPeak = (vRest - minV) / 0.1;
    expect(rSteady).toBeGreaterThan(40);
    expect(rSteady).toBeLessThan(44);
    expect(rPeak).toBeGreaterThan(rSteady * 1.05);
  });

  it('3 nA × 2 ms gives one AP peaking near +40 mV about 2 ms after onset; 2 nA does not', () => {
    const peakAfter = (amp: number): [number, number] => {
      eng.restore(settled);
      const t0 = eng.time;
      let peak = -Infinity;
      let tPeak = 0;
      const track = (): void => {
        if (eng.v[0] > peak) [peak, tPeak] = [eng.v[0], eng.time - t0];
      };
      run(2, amp, track);
      run(15, 0, track);
      return [peak, tPeak];
    };
    const [peak3, t3] = peakAfter(3);
    expect(peak3).toBeGreaterThan(35);
    expect(peak3).toBeLessThan(46);
    expect(t3).toBeGreaterThan(1.5);
    expect(t3).toBeLessThan(2.6);
    const [peak2] = peakAfter(2);
    expect(peak2).toBeLessThan(-55);
  });
});
