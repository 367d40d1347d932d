/** Helpers of benchmarks/scripts/l5pc-figures.ts: recording-site choice, EPSC shape, rate summary. */
import { describe, it, expect } from '@jest/globals';
import { buildCompartmentTree } from '../../src/reference/cable/compartments.js';
import type { Morphology, Point3D, Region } from '../../src/reference/morphology/types.js';
import { epscShape } from '../../benchmarks/scripts/figures/cell-protocols.js';
import { summarise } from '../../benchmarks/scripts/figures/output-rate.js';
import { apicalSiteAt } from '../../benchmarks/scripts/figures/recording-sites.js';

const line = (x0: number, x1: number, y: number, d0: number, d1: number): Point3D[] => [
  { x: x0, y, z: 0, d: d0 },
  { x: x1, y, z: 0, d: d1 },
];

/** Soma, a 100-µm trunk, then a thin (1 µm) and a tapering thick (4 → 2 µm) 200-µm branch. */
function forked(): Morphology {
  const sec = (
    id: number,
    name: string,
    region: Region,
    parent: number,
    parentX: number,
    points: Point3D[],
  ) => ({
    id,
    name,
    region,
    parent,
    parentX,
    points,
  });
  return {
    name: 'forked',
    sections: [
      sec(0, 'soma[0]', 'soma', -1, 0.5, line(-10, 10, 0, 20, 20)),
      sec(1, 'apic[0]', 'apical', 0, 0.5, line(0, 100, 0, 3, 3)),
      sec(2, 'apic[1]', 'apical', 1, 1, line(100, 300, 0, 1, 1)),
      sec(3, 'apic[2]', 'apical', 1, 1, line(100, 300, 5, 4, 2)),
    ],
  };
}

describe('apicalSiteAt', () => {
  const morph = forked();
  const tree = buildCompartmentTree(morph);

  it('picks the thickest apical location at the path distance, with x along that section', () => {
    const s = apicalSiteAt(morph, tree, 150);
    expect(s.section).toBe(3);
    expect(s.x).toBeCloseTo(0.25, 12); // 50 µm into a 200-µm section
    expect(s.diameter).toBeCloseTo(3.5, 12); // 4 → 2 µm linearly
    // 200 µm, nseg = 1 + 2·floor(200/40) = 11: x = 0.25 lies in segment floor(2.75) = 2
    expect(tree.section[s.node]).toBe(3);
    expect(tree.nseg[3]).toBe(11);
    expect(tree.segment[s.node]).toBe(2);
  });

  it('uses the trunk below the fork', () => {
    const s = apicalSiteAt(morph, tree, 40);
    expect(s.section).toBe(1);
    expect(s.x).toBeCloseTo(0.4, 12);
  });

  it('rejects a distance beyond every apical tip', () => {
    expect(() => apicalSiteAt(morph, tree, 301)).toThrow(/no apical location at path distance 301/);
  });
});

describe('epscShape', () => {
  it('is 0 before onset and peaks at 1 at ln(τd/τr)·τr·τd/(τd − τr)', () => {
    const tPeak = (Math.log(10) * 2.5) / 4.5;
    expect(epscShape(-0.1)).toBe(0);
    expect(epscShape(tPeak)).toBeCloseTo(1, 12);
    expect(epscShape(tPeak - 0.05)).toBeLessThan(1);
    expect(epscShape(tPeak + 0.05)).toBeLessThan(1);
  });
});

describe('summarise', () => {
  it('gives the mean and standard error of per-trial rates and the median count', () => {
    const trial = (seed: number, spikes: number) => ({
      seed,
      spikes,
      meanSoma: -66,
      meanClippedSoma: -67,
      seconds: 1,
    });
    // 2-s trials with 0, 2, 4 spikes: rates 0, 1, 2 Hz; sample sd 1, s.e. 1/√3
    const s = summarise([trial(1, 0), trial(2, 2), trial(3, 4)], 2000, 5);
    expect(s.meanHz).toBeCloseTo(1, 12);
    expect(s.semHz).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(s.medianSpikes).toBe(2);
    expect(s.totalSpikes).toBe(6);
    expect(() => summarise([], 2000, 0)).toThrow(/no trial/);
  });
});
