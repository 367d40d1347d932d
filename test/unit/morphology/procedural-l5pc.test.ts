import { describe, it, expect } from '@jest/globals';
import { buildProceduralL5pc } from '../../../src/reference/morphology/procedural-l5pc.js';
import { apicalParts, regionStats, treeStats } from '../../../src/reference/morphology/stats.js';
import { buildCompartmentTree } from '../../../src/reference/cable/compartments.js';
import { sectionLength } from '../../../src/reference/morphology/geometry.js';
import { hotZoneCount } from './helpers.js';

const within = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe('procedural L5PC (spec §2.5)', () => {
  const cell = buildProceduralL5pc();
  const stats = regionStats(cell);
  const tree = buildCompartmentTree(cell);

  it('has exactly the reference section and compartment counts (U11)', () => {
    expect([stats.basal.sections, stats.basal.compartments]).toEqual([84, 262]);
    expect([stats.apical.sections, stats.apical.compartments]).toEqual([109, 377]);
    expect([stats.soma.sections, stats.axon.sections, stats.axon.compartments]).toEqual([1, 2, 2]);
    expect([tree.nBasal, tree.nApical, tree.dendriticNodes.length]).toEqual([262, 377, 639]);
    expect([stats.basal.tips, stats.apical.tips]).toEqual([46, 55]);
  });

  it('matches the statistics table of §2.5 within 1 %', () => {
    within(stats.soma.area, 1131.4, 0.001);
    within(stats.basal.length, 5162, 0.01);
    within(stats.basal.area, 8827, 0.01);
    within(stats.apical.length, 7431, 0.01);
    within(stats.apical.area, 21214, 0.01);
    within(stats.basal.maxPath, 191, 0.01);
    const parts = apicalParts(cell, cell.trunk);
    expect([parts.trunk.sections, parts.trunk.compartments, parts.trunk.tips]).toEqual([10, 34, 0]);
    expect([parts.obliques.sections, parts.obliques.compartments, parts.obliques.tips]).toEqual([
      57, 163, 33,
    ]);
    expect([parts.tuft.sections, parts.tuft.compartments, parts.tuft.tips]).toEqual([42, 180, 22]);
    within(parts.trunk.length, 626, 0.01);
    within(parts.trunk.area, 5773, 0.01);
    within(parts.obliques.length, 3215, 0.01);
    within(parts.obliques.area, 6984, 0.01);
    within(parts.tuft.length, 3590, 0.01);
    within(parts.tuft.area, 8457, 0.01);
    expect(parts.subtrees.map((s) => s.stats.tips)).toEqual([3, 3, 10, 1, 5, 3, 3, 4, 1, 7, 15]);
  });

  it('builds the basal trees of the table (tips, terminal lengths)', () => {
    const trees = treeStats(cell, 'basal');
    expect(trees.map((t) => t.tips)).toEqual([4, 5, 12, 2, 11, 8, 1, 3]);
    expect(trees.map((t) => t.sections)).toEqual([7, 9, 23, 3, 21, 15, 1, 5]);
    // tree 7 is one terminal of 55 µm
    within(trees[6].length, 55, 1e-9);
  });

  it('has the trunk of §2.5 (lengths, nseg, diameters at the ends)', () => {
    expect(cell.trunk.map((id) => Math.round(sectionLength(cell.sections[id])))).toEqual([
      46, 65, 29, 41, 7, 65, 46, 15, 67, 245,
    ]);
    expect(cell.trunk.map((id) => tree.nseg[id])).toEqual([3, 3, 1, 3, 1, 3, 3, 1, 3, 13]);
    const first = cell.sections[cell.trunk[0]].points;
    const last = cell.sections[cell.trunk[9]].points;
    expect(first[0].d).toBeCloseTo(6.8, 2);
    expect(first[first.length - 1].d).toBeCloseTo(3.3, 1);
    expect(last[0].d).toBeCloseTo(2.69, 2);
    expect(last[last.length - 1].d).toBeCloseTo(2.3, 6);
  });

  it('orders compartments in the §2.5 blocks (distal trunk 446–458, tuft B 459–513, tuft A 514–638)', () => {
    const sec = (k: number) => tree.section[tree.dendriticNodes[k]];
    const distalTrunk = cell.trunk[9];
    expect(sec(445)).not.toBe(distalTrunk);
    expect(sec(446)).toBe(distalTrunk);
    expect(sec(458)).toBe(distalTrunk);
    // tuft B: the first child of the main bifurcation; A: the second
    const kids = cell.sections.filter((s) => s.parent === distalTrunk).map((s) => s.id);
    expect(kids).toHaveLength(2);
    expect(sec(459)).toBe(kids[0]);
    expect(sec(514)).toBe(kids[1]);
    for (let k = 262; k < 446; k++) expect(cell.sections[sec(k)].region).toBe('apical');
  });

  it('has the longest apical path 1281 µm, nexus analogue and 19 hot-zone compartments', () => {
    within(tree.longestApicalPath, 1281, 1e-9);
    const nexus = tree.dendriticNodes[516];
    expect(tree.segment[nexus]).toBe(2);
    expect(tree.pathDistance[nexus]).toBeCloseTo(678.9, 1);
    expect(hotZoneCount(tree, tree.densityDistance)).toBe(19);
  });

  it('is deterministic', () => {
    expect(buildProceduralL5pc()).toEqual(cell);
  });
});
