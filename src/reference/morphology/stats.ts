/**
 * Morphology statistics per region (spec §2.2, §2.5): sections, compartments (nseg rule), total
 * length, membrane area, tips and the longest path distance from the soma centre.
 */
import { arcLengths, childrenOf, coneIntegrals, nsegForLength, sectionStartDistances } from './geometry.js';
import type { Morphology, Region } from './types.js';

export interface RegionStats {
  sections: number;
  compartments: number;
  /** µm */
  length: number;
  /** µm² */
  area: number;
  tips: number;
  /** longest path distance from the soma centre to a point of the group, µm */
  maxPath: number;
}

function emptyStats(): RegionStats {
  return { sections: 0, compartments: 0, length: 0, area: 0, tips: 0, maxPath: 0 };
}

/** Per-section geometry shared by the statistics below. */
interface SectionGeometry {
  length: number[];
  area: number[];
  start: Float64Array;
  children: number[][];
}

function geometry(morph: Morphology): SectionGeometry {
  const length: number[] = [];
  const area: number[] = [];
  const tmp = { area: 0, resistanceFactor: 0 };
  for (const sec of morph.sections) {
    const arc = arcLengths(sec.points);
    const L = arc[arc.length - 1];
    length.push(L);
    area.push(coneIntegrals(sec.points, arc, 0, L, tmp).area);
  }
  return { length, area, start: sectionStartDistances(morph, length), children: childrenOf(morph) };
}

function accumulate(morph: Morphology, geo: SectionGeometry, ids: Iterable<number>): RegionStats {
  const st = emptyStats();
  for (const id of ids) {
    const sec = morph.sections[id];
    st.sections++;
    st.compartments += sec.region === 'soma' ? 1 : nsegForLength(geo.length[id]);
    st.length += geo.length[id];
    st.area += geo.area[id];
    if (sec.region !== 'soma' && geo.children[id].length === 0) st.tips++;
    if (sec.region !== 'soma') st.maxPath = Math.max(st.maxPath, geo.start[id] + geo.length[id]);
  }
  return st;
}

export function regionStats(morph: Morphology): Record<Region, RegionStats> {
  const geo = geometry(morph);
  const ids = (r: Region) => morph.sections.filter((s) => s.region === r).map((s) => s.id);
  return {
    soma: accumulate(morph, geo, ids('soma')),
    axon: accumulate(morph, geo, ids('axon')),
    basal: accumulate(morph, geo, ids('basal')),
    apical: accumulate(morph, geo, ids('apical')),
  };
}

/** Statistics of each basal (or apical) tree, in section order. */
export function treeStats(morph: Morphology, region: 'basal' | 'apical'): RegionStats[] {
  const geo = geometry(morph);
  const out: RegionStats[] = [];
  for (const root of morph.sections.filter((s) => s.region === region && s.parent === 0)) {
    out.push(accumulate(morph, geo, subtreeIds(geo.children, root.id)));
  }
  return out;
}

function subtreeIds(children: number[][], root: number): number[] {
  const ids: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    ids.push(id);
    for (let c = children[id].length - 1; c >= 0; c--) stack.push(children[id][c]);
  }
  return ids;
}

export interface ApicalParts {
  trunk: RegionStats;
  obliques: RegionStats;
  tuft: RegionStats;
  /** statistics of every subtree hanging off the trunk, in section order (obliques, then tuft subtrees) */
  subtrees: { parentTrunkSection: number; stats: RegionStats }[];
}

/**
 * Splits the apical tree given its trunk (section ids from the soma to the main bifurcation):
 * subtrees leaving trunk sections before the last are obliques, those leaving the last are the tuft.
 */
export function apicalParts(morph: Morphology, trunk: readonly number[]): ApicalParts {
  if (trunk.length === 0) throw new Error('apicalParts: the trunk needs at least one section');
  const geo = geometry(morph);
  const onTrunk = new Set(trunk);
  for (let i = 0; i < trunk.length; i++) {
    const sec = morph.sections[trunk[i]];
    if (!sec || sec.region !== 'apical')
      throw new Error(`apicalParts: trunk section ${trunk[i]} is not apical`);
    if (i > 0 && sec.parent !== trunk[i - 1]) {
      throw new Error(`apicalParts: trunk section ${trunk[i]} is not a child of ${trunk[i - 1]}`);
    }
  }
  const oblique: number[] = [];
  const tuft: number[] = [];
  const subtrees: ApicalParts['subtrees'] = [];
  trunk.forEach((t, i) => {
    for (const c of geo.children[t]) {
      if (onTrunk.has(c)) continue;
      const ids = subtreeIds(geo.children, c);
      (i === trunk.length - 1 ? tuft : oblique).push(...ids);
      subtrees.push({ parentTrunkSection: t, stats: accumulate(morph, geo, ids) });
    }
  });
  return {
    trunk: accumulate(morph, geo, trunk),
    obliques: accumulate(morph, geo, oblique),
    tuft: accumulate(morph, geo, tuft),
    subtrees,
  };
}
