import { describe, it, expect } from '@jest/globals';
import { buildCompartmentTree } from '../../../src/reference/cable/compartments.js';
import { REGION_CODE } from '../../../src/reference/cable/compartment-tree.js';
import { nsegForLength } from '../../../src/reference/morphology/geometry.js';
import type { Morphology, Point3D, Region, Section } from '../../../src/reference/morphology/types.js';

const pt = (y: number, d: number, x = 0): Point3D => ({ x, y, z: 0, d });
function sec(id: number, region: Region, parent: number, points: Point3D[]): Section {
  return {
    id,
    name: `${region}[${id}]`,
    region,
    parent,
    parentX: parent === 0 ? 0.5 : parent < 0 ? 0.5 : 1,
    points,
  };
}

/** soma cylinder 10×10; apical cylinder 100 µm × 2 µm; two apical children of 30 µm (1 µm) and 50 µm cone 2→1. */
function smallCell(): Morphology {
  return {
    name: 'small',
    sections: [
      sec(0, 'soma', -1, [pt(-5, 10), pt(5, 10)]),
      sec(1, 'basal', 0, [pt(-5, 1.5), pt(-25, 1.5)]),
      sec(2, 'apical', 0, [pt(5, 2), pt(105, 2)]),
      sec(3, 'apical', 2, [pt(105, 1), pt(135, 1)]),
      sec(4, 'apical', 2, [pt(105, 2), pt(105, 1.5, 25), pt(105, 1, 50)]),
    ],
  };
}

describe('buildCompartmentTree (spec §1.3–§1.4)', () => {
  it('applies the nseg rule 1 + 2·floor(L/40)', () => {
    expect([39.99, 40, 79.9, 80, 120, 245].map(nsegForLength)).toEqual([1, 3, 3, 5, 7, 13]);
  });

  it('gives cylinder areas π·d·L/n and half resistances 4·Ra·(L/2n)/(π d²)·1e-2', () => {
    const t = buildCompartmentTree(smallCell(), { ra: 150 });
    expect(t.nseg[2]).toBe(5);
    const apicalNodes = [...t.section.keys()].filter((i) => t.section[i] === 2);
    expect(apicalNodes).toHaveLength(5);
    const half = ((4 * 150 * (100 / 10)) / (Math.PI * 4)) * 1e-2;
    for (const [k, i] of apicalNodes.entries()) {
      expect(t.area[i]).toBeCloseTo((Math.PI * 2 * 100) / 5, 10);
      expect(t.rParent[i]).toBeCloseTo(k === 0 ? half : 2 * half, 10);
      expect(t.pathDistance[i]).toBeCloseTo(20 * k + 10, 10);
      expect(t.x[i]).toBeCloseTo((k + 0.5) / 5, 12);
    }
    expect(t.area[0]).toBeCloseTo(Math.PI * 100, 10); // soma, no end caps
  });

  it('integrates cones with the slant term, independent of extra collinear points', () => {
    const t = buildCompartmentTree(smallCell());
    const cone = [...t.section.keys()].filter((i) => t.section[i] === 4);
    expect(cone).toHaveLength(3); // L = 50
    const total = cone.reduce((s, i) => s + t.area[i], 0);
    // lateral area of a truncated cone: π (r1 + r2) · slant
    expect(total).toBeCloseTo(Math.PI * (1 + 0.5) * Math.hypot(50, 0.5), 9);
    // the piece from 0 to L/3 alone: diameters 2 → 5/3
    expect(t.area[cone[0]]).toBeCloseTo(Math.PI * (1 + 5 / 6) * Math.hypot(50 / 3, 1 / 6), 9);
    // resistance over a cone: 4·Ra/π · Δs/(da·db)
    const rFirstHalf = ((4 * 100) / Math.PI) * (50 / 6 / (2 * (2 - 1 / 6))) * 1e-2;
    expect(t.rParent[cone[0]]).toBeCloseTo(rFirstHalf, 10);
  });

  it('wires root sections to the soma centre and shares one junction per branch point', () => {
    const t = buildCompartmentTree(smallCell());
    for (let i = 1; i < t.nNodes; i++) expect(t.parent[i]).toBeLessThan(i);
    expect(t.parent[0]).toBe(-1);
    const firstOf = (s: number) =>
      [...t.section.keys()].find((i) => t.section[i] === s && t.segment[i] === 0)!;
    expect(t.parent[firstOf(1)]).toBe(0);
    expect(t.parent[firstOf(2)]).toBe(0);
    const j = t.parent[firstOf(3)];
    expect(t.parent[firstOf(4)]).toBe(j);
    expect(t.region[j]).toBe(REGION_CODE.junction);
    expect(t.area[j]).toBe(0);
    expect(t.pathDistance[j]).toBeCloseTo(100, 12);
    // junction hangs on the last apical compartment through that compartment's distal half
    expect(t.rParent[j]).toBeCloseTo(((4 * 100 * 10) / (Math.PI * 4)) * 1e-2, 10);
    // 1 soma + 1 basal + 5 + 1 + 3 compartments + 1 junction
    expect(t.nNodes).toBe(12);
    expect([t.nBasal, t.nApical]).toEqual([1, 9]);
    expect(Array.from(t.dendriticNodes)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
    expect(t.longestApicalPath).toBeCloseTo(150, 12);
  });

  it('uses the section end distance for the last apical compartment only with the quirk (§4.16)', () => {
    const quirk = buildCompartmentTree(smallCell());
    const plain = buildCompartmentTree(smallCell(), { endDistanceQuirk: false });
    const last = [...quirk.section.keys()].find((i) => quirk.section[i] === 3)!; // nseg 1, 100–130 µm
    expect(plain.densityDistance[last]).toBeCloseTo(115, 12);
    expect(quirk.densityDistance[last]).toBeCloseTo(130, 12);
    const basal = [...quirk.section.keys()].find((i) => quirk.section[i] === 1)!;
    expect(quirk.densityDistance[basal]).toBeCloseTo(quirk.pathDistance[basal], 12);
  });

  it('rejects broken morphologies with a reason', () => {
    const bad = smallCell();
    bad.sections[3].points[1].d = 0;
    expect(() => buildCompartmentTree(bad)).toThrow(/apical\[3\].*diameter/);
    const orphan = smallCell();
    orphan.sections[2].parent = 4;
    expect(() => buildCompartmentTree(orphan)).toThrow(/parent listed before/);
    const mid = smallCell();
    mid.sections[3].parentX = 0.3;
    expect(() => buildCompartmentTree(mid)).toThrow(/x=0.3/);
    expect(() => buildCompartmentTree(smallCell(), { ra: -1 })).toThrow(/resistivity/);
  });
});
