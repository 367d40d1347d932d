import { describe, it, expect } from '@jest/globals';
import { parseAsc } from '../../../src/reference/morphology/asc.js';
import { somaProfileFromContour } from '../../../src/reference/morphology/soma-contour.js';
import { arcLengths, coneIntegrals, sectionArea } from '../../../src/reference/morphology/geometry.js';

function circleContour(r: number, n: number, cx = 3, cy = -2, z = 1) {
  return Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return `  (${(cx + r * Math.cos(a)).toFixed(4)} ${(cy + r * Math.sin(a)).toFixed(4)} ${z} 0.2 S1)`;
  }).join('\n');
}

const SAMPLE = `; V3 text file
(ImageCoords)
("Outline" (Closed) ( 0 0 0 1) ( 100 0 0 1) (100 100 0 1))
("CellBody"
  (Color RGB (0, 255, 64))
  (CellBody)
${circleContour(5, 40)}
)  ;  End of contour
( (Color Orange)
  (Axon)
  (3 -7 1 1 S1)
  (3 -40 1 1 S1)
)
( (Color DarkRed)
  (Dendrite)
  (3 -6 1 0.5 S1)  ; Root
  (3 -10 1 2 S1)
  (3 -20 1 2 S1)
  (
    (5 -25 1 1 S1)  ; 1, R-1
    (7 -30 1 1 S1)
    (Cross (Color DarkRed) (Name "Marker 3") (0 0 0 0.5 S1))
     Normal
  |
    (1 -25 1 0.8 S1) ; 1, R-2
    (-1 -30 1 0.8 S1)
     Incomplete
  )  ;  End of split
)  ;  End of tree
( (Color Green)
  (Apical)
  (3 3 1 3 S1)
  (3 60 1 3 S1)
   High
)
`;

describe('Neurolucida ASC reader (spec §2.4)', () => {
  const m = parseAsc(SAMPLE, { name: 'sample' });

  it('builds sections in canonical order, skipping markers, metadata and other contours', () => {
    expect(m.sections.map((s) => s.name)).toEqual([
      'soma[0]',
      'axon[0]',
      'axon[1]',
      'dend[0]',
      'dend[1]',
      'dend[2]',
      'apic[0]',
    ]);
    const [, , , root, c1, c2, apic] = m.sections;
    expect(root.points.map((p) => [p.y, p.d])).toEqual([
      [-6, 0.5],
      [-10, 2],
      [-20, 2],
    ]);
    // child: parent's last position with the child's own first diameter, then the child's points
    expect(c1.points.map((p) => [p.x, p.y, p.d])).toEqual([
      [3, -20, 1],
      [5, -25, 1],
      [7, -30, 1],
    ]);
    expect(c2.points[0]).toEqual({ x: 3, y: -20, z: 1, d: 0.8 });
    expect([c1.parent, c2.parent, root.parent, apic.parent]).toEqual([root.id, root.id, 0, 0]);
    // the reconstructed axon is replaced by 2 × 30 µm × 1 µm
    expect(m.sections[1].points.every((p) => p.d === 1)).toBe(true);
  });

  it('turns a circular CellBody contour into a 21-station profile close to a sphere', () => {
    const soma = m.sections[0].points;
    expect(soma).toHaveLength(21);
    // a circle of radius 5 revolved about its diameter is a sphere of area 4πr² (the profile
    // stops one resampled point short of each pole, so it is a little smaller)
    const area = sectionArea(m.sections[0]);
    expect(area).toBeGreaterThan(0.95 * 4 * Math.PI * 25);
    expect(area).toBeLessThan(4 * Math.PI * 25);
    const mid = soma[10];
    expect(mid.d).toBeCloseTo(10, 1);
    // the contour is resampled as an open polyline (as NEURON's importer does), so the centre
    // shifts by a fraction of the closing gap
    expect(Math.hypot(mid.x - 3, mid.y + 2, mid.z - 1)).toBeLessThan(0.15);
  });

  it('follows the long axis of an elongated contour', () => {
    const ellipse = Array.from({ length: 60 }, (_, i) => {
      const a = (2 * Math.PI * i) / 60;
      return {
        x: 12 * Math.cos(a) * Math.SQRT1_2 - 4 * Math.sin(a) * Math.SQRT1_2,
        y: 12 * Math.cos(a) * Math.SQRT1_2 + 4 * Math.sin(a) * Math.SQRT1_2,
        z: 0,
      };
    });
    const prof = somaProfileFromContour(ellipse);
    const arc = arcLengths(prof);
    // along the 45° diagonal, length ≈ 2·12 minus the two end gaps
    const angle = Math.atan2(prof[20].y - prof[0].y, prof[20].x - prof[0].x);
    expect(Math.abs(Math.abs(angle) - Math.PI / 4)).toBeLessThan(0.01);
    expect(arc[20]).toBeGreaterThan(22);
    expect(arc[20]).toBeLessThan(24);
    expect(prof[10].d).toBeCloseTo(8, 1);
    // an ellipsoid of revolution with semi-axes 12, 4, 4 has area ≈ 2π·4·(4 + 12·asin(e)/e)
    const e = Math.sqrt(1 - 16 / 144);
    const spheroid = 2 * Math.PI * 16 * (1 + (12 / (4 * e)) * Math.asin(e));
    const area = coneIntegrals(prof, arc, 0, arc[20], { area: 0, resistanceFactor: 0 }).area;
    expect(area / spheroid).toBeGreaterThan(0.93);
    expect(area / spheroid).toBeLessThan(1.0);
  });

  it.each([
    ['("CellBody" (CellBody) (0 0 0 1) (1 0 0 1) (1 1 0 1)\n', /x\.asc:1: '\(' opened here is never closed/],
    ['(Dendrite))', /x\.asc:1: unbalanced '\)'/],
    [
      '("CellBody" (CellBody) (0 0 0 1) (1 0 0 1) (1 1 0 1))\n( (Dendrite)\n (1 2 3 S1)\n (1 5 3 1))',
      /x\.asc:3: point needs x y z diameter, found 3/,
    ],
    ['( (Dendrite) (1 2 3 1) (1 5 3 1))', /x\.asc:1: no CellBody contour/],
    ['("CellBody\n (CellBody))', /x\.asc:1: unterminated string/],
    [
      '("CellBody" (CellBody) (0 0 0 1) (1 0 0 1) (1 1 0 1))\n( (Apical)\n (1 2 3 1)\n ( (1 3 3 1) (1 4 3 1) | (2 3 3 1) )\n (1 9 9 1))',
      /x\.asc:5: point after a branch split/,
    ],
    [
      '("CellBody" (CellBody) (0 0 0 1) (1 0 0 1) (1 1 0 1))\n( (Apical)\n (1 2 3 1)\n ( (1 3 3 1) |\n ))',
      /x\.asc:4: branch has no points/,
    ],
  ])('rejects malformed input %j', (text, message) => {
    expect(() => parseAsc(text, { name: 'x.asc' })).toThrow(message);
  });
});
