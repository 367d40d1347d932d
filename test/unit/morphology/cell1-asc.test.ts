import { describe, it, expect } from '@jest/globals';
import { readAscFile } from '../../../src/reference/morphology/asc.js';
import { apicalParts, regionStats, treeStats } from '../../../src/reference/morphology/stats.js';
import { buildCompartmentTree } from '../../../src/reference/cable/compartments.js';
import { REGION_CODE } from '../../../src/reference/cable/compartment-tree.js';
import { pointAt, sectionLength } from '../../../src/reference/morphology/geometry.js';
import { parseSwc, writeSwc } from '../../../src/reference/morphology/swc.js';
import { cell1Path, hasCell1, hotZoneCount, relErr } from './helpers.js';

// The reconstruction is reference data kept outside the project (spec header); without it these checks skip.
const describeCell1 = hasCell1 ? describe : describe.skip;
if (!hasCell1) console.warn(`skipping cell1.asc checks: ${cell1Path} not found`);

describeCell1('reconstructed L5PC cell1.asc (spec §2.2, §11.1)', () => {
  const cell = hasCell1 ? readAscFile(cell1Path) : { name: '', sections: [] };
  const apic0 = cell.sections.findIndex((s) => s.region === 'apical');
  const apic = (i: number) => apic0 + i;

  it('U1: 84/262 basal and 109/377 apical sections/compartments', () => {
    const st = regionStats(cell);
    expect([st.basal.sections, st.basal.compartments, st.basal.tips]).toEqual([84, 262, 46]);
    expect([st.apical.sections, st.apical.compartments, st.apical.tips]).toEqual([109, 377, 55]);
    const hist = new Map<number, number>();
    const tree = buildCompartmentTree(cell);
    for (const s of cell.sections) {
      if (s.region === 'basal' || s.region === 'apical')
        hist.set(tree.nseg[s.id], (hist.get(tree.nseg[s.id]) ?? 0) + 1);
    }
    expect([...hist.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [1, 92],
      [3, 37],
      [5, 29],
      [7, 19],
      [9, 11],
      [11, 3],
      [13, 2],
    ]);
  });

  it('U2/U3: lengths and areas', () => {
    const st = regionStats(cell);
    expect(relErr(st.basal.length, 5133.5)).toBeLessThan(1e-4);
    expect(relErr(st.apical.length, 7440.9)).toBeLessThan(1e-4);
    expect(st.soma.area).toBeCloseTo(1131.39, 2);
    expect(st.soma.length).toBeCloseTo(23.17, 2);
    expect(st.basal.area).toBeCloseTo(8863.0, 1);
    expect(st.apical.area).toBeCloseTo(21009.3, 1);
    expect(st.axon.area).toBeCloseTo(188.5, 1);
    expect(st.basal.maxPath).toBeCloseTo(282.1, 1);
  });

  it('has the basal trees of the §2.2 table in file order', () => {
    const trees = treeStats(cell, 'basal');
    expect(trees.map((t) => [t.sections, t.compartments, t.tips])).toEqual([
      [7, 31, 4],
      [9, 25, 5],
      [23, 59, 12],
      [3, 11, 2],
      [21, 65, 11],
      [15, 55, 8],
      [1, 3, 1],
      [5, 13, 3],
    ]);
    expect(trees.map((t) => Math.round(t.length * 10) / 10)).toEqual([
      617.5, 489.6, 1174.9, 226.6, 1184.7, 1138.5, 40.3, 261.4,
    ]);
  });

  it('orders apical sections depth-first: the trunk is sections 0,1,2,3,4,14,20,26,34,36', () => {
    const trunk = [0, 1, 2, 3, 4, 14, 20, 26, 34, 36].map(apic);
    const parts = apicalParts(cell, trunk);
    expect(trunk.map((id) => Math.round(sectionLength(cell.sections[id]) * 10) / 10)).toEqual([
      46.1, 65.1, 28.9, 41.3, 7.4, 64.6, 46.0, 15.2, 66.9, 245.3,
    ]);
    expect([parts.trunk.compartments, parts.obliques.sections, parts.obliques.compartments]).toEqual([
      34, 57, 163,
    ]);
    expect([parts.tuft.sections, parts.tuft.compartments, parts.tuft.tips]).toEqual([42, 180, 22]);
    expect(parts.subtrees.map((s) => s.stats.tips)).toEqual([3, 3, 10, 1, 5, 3, 3, 4, 1, 7, 15]);
    expect(parts.trunk.area).toBeCloseTo(5773.8, 1);
    expect(parts.obliques.area).toBeCloseTo(6968.3, 1);
    expect(parts.tuft.area).toBeCloseTo(8267.2, 1);
  });

  it('U4/U5/U7: axon stub resistance, longest apical path, hot zone 29 (28 without the end rule)', () => {
    const tree = buildCompartmentTree(cell);
    const axonNodes = [...tree.region.keys()].filter((i) => tree.region[i] === REGION_CODE.axon);
    expect(tree.rParent[axonNodes[0]]).toBeCloseTo(19.0986, 4);
    expect(tree.longestApicalPath).toBeCloseTo(1300.53, 2);
    expect(0.65 * tree.longestApicalPath).toBeCloseTo(845.35, 2);
    expect(hotZoneCount(tree, tree.densityDistance)).toBe(29);
    expect(hotZoneCount(tree, tree.pathDistance)).toBe(28);
    const plain = buildCompartmentTree(cell, { endDistanceQuirk: false });
    expect(hotZoneCount(plain, plain.densityDistance)).toBe(28);
    // 1 soma + 2 axon + 639 compartments + 93 junctions (38 basal, 54 apical, 1 axonal)
    expect(tree.nNodes).toBe(735);
    const junctionSections = new Set<number>();
    for (let i = 1; i < tree.nNodes; i++) {
      if (tree.region[i] === REGION_CODE.junction) junctionSections.add(tree.section[tree.parent[i]]);
    }
    const byRegion = (r: string) => [...junctionSections].filter((s) => cell.sections[s].region === r).length;
    expect([byRegion('basal'), byRegion('apical'), byRegion('axon')]).toEqual([38, 54, 1]);
  });

  it('finds the nexus site: the compartment of apical section 50 holding x = 0.9 (678.4 µm, end 688.7 µm)', () => {
    const tree = buildCompartmentTree(cell);
    const sec = cell.sections[apic(50)];
    const n = tree.nseg[sec.id];
    const node = [...tree.section.keys()].find(
      (i) => tree.section[i] === sec.id && tree.segment[i] === Math.floor(0.9 * n),
    )!;
    expect(tree.pathDistance[node]).toBeCloseTo(678.4, 1);
    expect(tree.densityDistance[node]).toBeCloseTo(688.7, 1);
    expect(pointAt(sec.points, tree.x[node]).d).toBeCloseTo(1.8, 1);
    // the paper's "tuft" index 366 is the first compartment of apical section 36
    expect(tree.section[tree.dendriticNodes[366]]).toBe(apic(36));
    expect(tree.segment[tree.dendriticNodes[366]]).toBe(0);
  });

  it('exports to SWC with an equal-area three-point soma and unchanged dendrites', () => {
    const back = parseSwc(writeSwc(cell), { name: 'cell1-swc' });
    const a = regionStats(cell);
    const b = regionStats(back);
    expect(b.soma.area).toBeCloseTo(a.soma.area, 4);
    for (const r of ['basal', 'apical'] as const) {
      expect([b[r].sections, b[r].compartments]).toEqual([a[r].sections, a[r].compartments]);
      expect(b[r].area).toBeCloseTo(a[r].area, 3);
      expect(b[r].length).toBeCloseTo(a[r].length, 3);
    }
  });
});
