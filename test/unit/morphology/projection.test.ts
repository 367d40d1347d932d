/**
 * The 2-D projection that the dashboard draws: compartments tile their sections exactly (lengths add
 * up, pieces join end to start), centres sit on their piece, and the L5PC view names the compartment
 * of every synapse.
 */
import { describe, it, expect } from '@jest/globals';
import { buildCompartmentTree } from '../../../src/reference/cable/compartments.js';
import { parseSwc } from '../../../src/reference/morphology/swc.js';
import { sectionLength } from '../../../src/reference/morphology/geometry.js';
import { projectMorphology, type ProjectedPath } from '../../../src/reference/morphology/projection.js';
import { cellMorphologyView } from '../../../src/reference/cells/cell-morphology.js';
import { buildProceduralL5pc } from '../../../src/reference/morphology/procedural-l5pc.js';

// planar (z = 0), so projected lengths equal the 3-D ones
const SWC = `1 1 0 0 0 8 -1
2 3 0 -8 0 1 1
3 3 30 -90 0 0.8 2
4 3 -20 -200 0 0.6 3
5 4 0 8 0 2 1
6 4 0 150 0 1.5 5
7 4 60 260 0 1 6
8 4 -40 300 0 1 6
`;

function length(p: ProjectedPath): number {
  let s = 0;
  for (let i = 1; i < p.x.length; i++) s += Math.hypot(p.x[i] - p.x[i - 1], p.y[i] - p.y[i - 1]);
  return s;
}

describe('projectMorphology', () => {
  const morphology = parseSwc(SWC, { name: 'planar' });
  const tree = buildCompartmentTree(morphology);
  const view = projectMorphology(morphology, tree);

  it('gives one piece per dendritic compartment that tiles its section', () => {
    expect(view.compartments.length).toBe(tree.dendriticNodes.length);
    const bySection = new Map<string, typeof view.compartments>();
    for (const c of view.compartments) bySection.set(c.section, [...(bySection.get(c.section) ?? []), c]);
    for (const section of morphology.sections.filter((s) => s.region === 'basal' || s.region === 'apical')) {
      const pieces = bySection.get(section.name) ?? [];
      expect(pieces.map((c) => c.segment)).toEqual(pieces.map((_, i) => i));
      const total = pieces.reduce((s, c) => s + length(c), 0);
      expect(total).toBeCloseTo(sectionLength(section), 1);
      for (let i = 1; i < pieces.length; i++) {
        const prev = pieces[i - 1];
        expect(pieces[i].x[0]).toBeCloseTo(prev.x[prev.x.length - 1], 2);
        expect(pieces[i].y[0]).toBeCloseTo(prev.y[prev.y.length - 1], 2);
      }
    }
    for (const c of view.compartments) {
      const [x0, x1] = [Math.min(...c.x), Math.max(...c.x)];
      const [y0, y1] = [Math.min(...c.y), Math.max(...c.y)];
      expect(c.cx).toBeGreaterThanOrEqual(x0 - 0.01);
      expect(c.cx).toBeLessThanOrEqual(x1 + 0.01);
      expect(c.cy).toBeGreaterThanOrEqual(y0 - 0.01);
      expect(c.cy).toBeLessThanOrEqual(y1 + 0.01);
    }
    expect(view.bounds.maxY).toBeGreaterThanOrEqual(300);
    expect(view.bounds.minY).toBeLessThanOrEqual(-200);
    expect(view.soma.length).toBe(1);
  });

  it('refuses a tree built from another morphology', () => {
    expect(() => projectMorphology(buildProceduralL5pc(), tree)).toThrow('not built from it');
  });
});

describe('cellMorphologyView', () => {
  it('projects the streaming L5PC with the compartment of each of its 639 + 639 synapses', () => {
    const view = cellMorphologyView('l5pc-nmda')!;
    expect(view.cell).toBe('l5pc-nmda');
    expect(view.compartments.length).toBe(639);
    expect(view.compartments.filter((c) => c.region === 'basal').length).toBe(262);
    expect(view.excCompartment).toEqual(Array.from({ length: 639 }, (_, j) => j));
    expect(view.inhCompartment).toEqual(view.excCompartment);
    // the apical tree rises above the soma, the basal one hangs around it
    const apicalTop = Math.max(...view.compartments.filter((c) => c.region === 'apical').map((c) => c.cy));
    expect(apicalTop).toBeGreaterThan(1000);
  });

  it('is null for a point neuron', () => {
    expect(cellMorphologyView('if')).toBeNull();
  });
});
