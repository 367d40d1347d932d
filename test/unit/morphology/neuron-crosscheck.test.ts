import { describe, it, expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { buildProceduralL5pc } from '../../../src/reference/morphology/procedural-l5pc.js';
import { readAscFile } from '../../../src/reference/morphology/asc.js';
import { buildCompartmentTree } from '../../../src/reference/cable/compartments.js';
import type { Morphology } from '../../../src/reference/morphology/types.js';
import { cell1Path, hasCell1 } from './helpers.js';

/**
 * Cross-checks segment areas and axial resistances against NEURON (the field's reference simulator),
 * which computes them from the same 3-D points with its own code. Skips when NEURON is not importable.
 */
const PYTHON = '/usr/bin/python3';
const hasNeuron = spawnSync(PYTHON, ['-c', 'import neuron'], { encoding: 'utf8' }).status === 0;
if (!hasNeuron) console.warn('skipping NEURON cross-checks: /usr/bin/python3 cannot import neuron');

// Builds the sections from pt3d points (or imports an ASC file with NEURON's own importer), sets
// Ra = 100 and the nseg rule, and prints {name: {area: [...], ri: [...]}} as JSON.
const SCRIPT = `
import sys, json
from neuron import h
job = json.load(sys.stdin)
secs = {}
if 'asc' in job:
    h.load_file('stdlib.hoc'); h.load_file('import3d.hoc')
    r = h.Import3d_Neurolucida3(); r.quiet = 1
    r.input(job['asc'])
    h.Import3d_GUI(r, 0).instantiate(None)
    for s in h.allsec():
        if not s.name().startswith('axon'): secs[s.name()] = s
else:
    made = []
    for d in job['sections']:
        s = h.Section(name=d['name'])
        for p in d['points']: s.pt3dadd(*p)
        if d['parent'] >= 0: s.connect(made[d['parent']](d['parentX']), 0)
        made.append(s)
        secs[d['name']] = s
out = {}
for name, s in secs.items():
    s.Ra = 100
    s.nseg = 1 if name.startswith('soma') else 1 + 2 * int(s.L / 40)
    out[name] = {'area': [seg.area() for seg in s], 'ri': [seg.ri() for seg in s]}
print(json.dumps(out))
`;

type NeuronSegments = Record<string, { area: number[]; ri: number[] }>;

function runNeuron(job: object): NeuronSegments {
  const res = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (res.status !== 0) throw new Error(`NEURON script failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as NeuronSegments;
}

/** Largest relative differences of areas and resistances over all soma/dendrite compartments. */
function compare(morph: Morphology, neuron: NeuronSegments): { area: number; ri: number; compared: number } {
  const tree = buildCompartmentTree(morph, { ra: 100 });
  let area = 0;
  let ri = 0;
  let compared = 0;
  for (let i = 1; i < tree.nNodes; i++) {
    const s = tree.section[i];
    if (s < 0 || morph.sections[s].region === 'axon') continue;
    const ref = neuron[morph.sections[s].name];
    if (!ref) throw new Error(`NEURON has no section ${morph.sections[s].name}`);
    const k = tree.segment[i];
    area = Math.max(area, Math.abs(tree.area[i] - ref.area[k]) / ref.area[k]);
    ri = Math.max(ri, Math.abs(tree.rParent[i] - ref.ri[k]) / ref.ri[k]);
    compared++;
  }
  area = Math.max(area, Math.abs(tree.area[0] - neuron['soma[0]'].area[0]) / neuron['soma[0]'].area[0]);
  return { area, ri, compared };
}

// NEURON stores 3-D points in single precision, hence agreement to ~1e-5 rather than 1e-12.
const TOL = 3e-5;

(hasNeuron ? describe : describe.skip)('areas and axial resistances agree with NEURON', () => {
  it('procedural cell built from the same pt3d points', () => {
    const cell = buildProceduralL5pc();
    const sections = cell.sections
      .filter((s) => s.region !== 'axon')
      .map((s) => ({
        name: s.name,
        parent: s.parent,
        parentX: s.parentX,
        points: s.points.map((p) => [p.x, p.y, p.z, p.d]),
      }));
    // axon sections come right after the soma; drop them and shift parent indices
    const shift = cell.sections.filter((s) => s.region === 'axon').length;
    for (const s of sections) if (s.parent > 0) s.parent -= shift;
    const result = compare(cell, runNeuron({ sections }));
    expect(result.compared).toBe(639);
    expect(result.area).toBeLessThan(TOL);
    expect(result.ri).toBeLessThan(TOL);
  });

  (hasCell1 ? it : it.skip)('cell1.asc read by our reader and by NEURON’s own importer', () => {
    const result = compare(readAscFile(cell1Path), runNeuron({ asc: cell1Path }));
    expect(result.compared).toBe(639);
    expect(result.area).toBeLessThan(TOL);
    expect(result.ri).toBeLessThan(TOL);
  });
});
