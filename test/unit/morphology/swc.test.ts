import { describe, it, expect } from '@jest/globals';
import { parseSwc, writeSwc } from '../../../src/reference/morphology/swc.js';
import { buildProceduralL5pc } from '../../../src/reference/morphology/procedural-l5pc.js';
import { regionStats } from '../../../src/reference/morphology/stats.js';
import { readMorphologyFile } from '../../../src/reference/morphology/read.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sectionArea, sectionLength } from '../../../src/reference/morphology/geometry.js';

const THREE_POINT = ['1 1 0 0 0 5 -1', '2 1 0 -5 0 5 1', '3 1 0 5 0 5 1'];

describe('SWC reader', () => {
  it('reads a three-point soma as a cylinder L = d = 2r and splits sections at branch points', () => {
    const text = [
      '# a small cell',
      ...THREE_POINT,
      '4 3 0 -6 0 1 1', // basal root, hangs on the soma
      '5 3 0 -16 0 1 4',
      '6 3 5 -20 0 0.5 5', // branch 1
      '7 3 -5 -20 0 0.4 5', // branch 2
      '8 4 0 6 0 1.5 1   # apical',
      '9 4 0 50 0 1.5 8',
      '10 2 0 0 0 0.5 1', // axon: replaced by the stub
    ].join('\n');
    const m = parseSwc(text);
    expect(m.sections.map((s) => s.name)).toEqual([
      'soma[0]',
      'axon[0]',
      'axon[1]',
      'dend[0]',
      'dend[1]',
      'dend[2]',
      'apic[0]',
    ]);
    expect(sectionLength(m.sections[0])).toBeCloseTo(10, 12);
    expect(sectionArea(m.sections[0])).toBeCloseTo(4 * Math.PI * 25, 10);
    const [, ax0, ax1, d0, d1, d2] = m.sections;
    expect([sectionLength(ax0), sectionLength(ax1), ax0.points[0].d, ax1.parent]).toEqual([
      30,
      30,
      1,
      ax0.id,
    ]);
    expect(d0.parent).toBe(0);
    expect(d0.parentX).toBe(0.5);
    expect(d0.points.map((p) => p.y)).toEqual([-6, -16]); // root keeps its own first point, no soma point
    // a child starts with its parent's branch point (position and diameter)
    expect(d1.points[0]).toEqual({ x: 0, y: -16, z: 0, d: 2 });
    expect(d1.points[1]).toEqual({ x: 5, y: -20, z: 0, d: 1 });
    expect([d1.parent, d2.parent, d1.parentX]).toEqual([d0.id, d0.id, 1]);
  });

  it('reads a one-point soma as a cylinder of equal (sphere) area', () => {
    const m = parseSwc(['1 1 1 2 3 4 -1', '2 3 1 6 3 1 1', '3 3 1 30 3 1 2'].join('\n'));
    expect(sectionArea(m.sections[0])).toBeCloseTo(4 * Math.PI * 16, 10);
    expect(m.sections.filter((s) => s.region === 'basal')).toHaveLength(1);
  });

  it('round-trips the procedural cell (points, order, statistics)', () => {
    const cell = buildProceduralL5pc();
    const back = parseSwc(writeSwc(cell));
    expect(back.sections.map((s) => [s.name, s.parent, s.parentX])).toEqual(
      cell.sections.map((s) => [s.name, s.parent, s.parentX]),
    );
    for (const s of cell.sections) {
      if (s.region === 'soma') continue;
      const b = back.sections[s.id].points;
      expect(b).toHaveLength(s.points.length);
      s.points.forEach((p, i) => {
        expect(Math.abs(b[i].x - p.x) + Math.abs(b[i].y - p.y) + Math.abs(b[i].d - p.d)).toBeLessThan(1e-5);
      });
    }
    const a = regionStats(cell);
    const b = regionStats(back);
    expect(b.soma.area).toBeCloseTo(a.soma.area, 3);
    expect(b.basal.area).toBeCloseTo(a.basal.area, 3);
    expect(b.apical.area).toBeCloseTo(a.apical.area, 3);
  });

  it.each([
    ['1 1 0 0 0 5', /:1: expected 7 fields.*found 6/],
    ['1 1 0 0 zero 5 -1', /:1: field z is not a number: "zero"/],
    ['1 1 0 0 0 5 -1\n\n2 3 0 1 0 1 7', /:3: unknown parent id 7 of point 2/],
    ['1 1 0 0 0 5 -1\n2 3 0 1 0 1 3\n3 3 0 2 0 1 2', /cycle in parent links/],
    ['1 3 0 0 0 5 -1\n2 3 0 1 0 1 1', /:1: no soma/],
    ['1 1 0 0 0 5 -1\n1 3 0 1 0 1 -1', /:2: duplicate id 1 \(first on line 1\)/],
    ['1 1 0 0 0 -5 -1', /:1: radius must be positive/],
    ['1 1 0 0 0 5 -1\n2 3 0 1 0 1 1', /:2: tree starting at point 2 has a single point/],
  ])('rejects malformed input %j', (text, message) => {
    expect(() => parseSwc(text, { name: 'bad.swc' })).toThrow(message);
  });

  it('reads files by extension and names the file in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'swc-'));
    try {
      const file = path.join(dir, 'cell.swc');
      writeFileSync(file, writeSwc(buildProceduralL5pc()));
      const m = readMorphologyFile(file);
      expect(m.name).toBe('cell');
      expect(m.sections).toHaveLength(196);
      const bad = path.join(dir, 'bad.swc');
      writeFileSync(bad, '1 1 0 0 0 5 -1\n2 3 0 0 0 x 1\n');
      expect(() => readMorphologyFile(bad)).toThrow(`${bad}:2: field radius is not a number`);
      expect(() => readMorphologyFile(path.join(dir, 'cell.obj'))).toThrow(
        /unknown morphology format ".obj"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
