/**
 * Hand-built compartment trees for integrator tests (independent of the morphology readers):
 * a soma plus unbranched or branched cylinders, wired as in spec §1.3–§1.4.
 */
import { REGION_CODE, type CompartmentTree } from '../../../src/reference/cable/compartment-tree.js';
import type { CellModel } from '../../../src/reference/cable/cell-model.js';
import { GABA_A, AMPA_NMDA } from '../../../src/reference/mechanisms/synapses.js';

export interface CableSpec {
  /** parent cable index, -1 = soma centre */
  parent: number;
  length: number;
  diam: number;
  nseg: number;
  region: 'basal' | 'apical' | 'axon';
}

/** Soma cylinder (L = d = somaDiam) + cylinders; ra in Ω·cm. */
export function cableTree(somaDiam: number, cables: CableSpec[], ra = 100): CompartmentTree {
  const parent: number[] = [-1];
  const rParent: number[] = [0];
  const area: number[] = [Math.PI * somaDiam * somaDiam];
  const region: number[] = [REGION_CODE.soma];
  const section: number[] = [0];
  const segment: number[] = [0];
  const x: number[] = [0.5];
  const length: number[] = [somaDiam];
  const dist: number[] = [0];
  const nseg: number[] = [1];
  const lastNode: number[] = [];
  const junction: number[] = cables.map(() => -1);
  const startDist: number[] = [];
  cables.forEach((c, s) => {
    const half = ((4 * ra * (c.length / (2 * c.nseg))) / (Math.PI * c.diam * c.diam)) * 1e-2;
    let attach: number;
    if (c.parent < 0) {
      attach = 0;
      startDist[s] = 0;
    } else {
      if (junction[c.parent] < 0) {
        const pc = cables[c.parent];
        junction[c.parent] = parent.length;
        parent.push(lastNode[c.parent]);
        rParent.push(((4 * ra * (pc.length / (2 * pc.nseg))) / (Math.PI * pc.diam * pc.diam)) * 1e-2);
        area.push(0);
        region.push(REGION_CODE.junction);
        section.push(-1);
        segment.push(-1);
        x.push(1);
        length.push(0);
        dist.push(startDist[c.parent] + pc.length);
      }
      attach = junction[c.parent];
      startDist[s] = startDist[c.parent] + cables[c.parent].length;
    }
    let prev = attach;
    for (let k = 0; k < c.nseg; k++) {
      const node = parent.length;
      parent.push(prev);
      rParent.push(k === 0 ? half : 2 * half);
      area.push((Math.PI * c.diam * c.length) / c.nseg);
      region.push(REGION_CODE[c.region]);
      section.push(s + 1);
      segment.push(k);
      x.push((k + 0.5) / c.nseg);
      length.push(c.length / c.nseg);
      dist.push(startDist[s] + ((k + 0.5) / c.nseg) * c.length);
      prev = node;
    }
    lastNode[s] = prev;
    nseg.push(c.nseg);
  });
  const n = parent.length;
  const dendritic: number[] = [];
  for (const want of [REGION_CODE.basal, REGION_CODE.apical]) {
    for (let i = 0; i < n; i++) if (region[i] === want) dendritic.push(i);
  }
  let longest = 0;
  for (let i = 0; i < n; i++) if (region[i] === REGION_CODE.apical) longest = Math.max(longest, dist[i]);
  return {
    nNodes: n,
    parent: Int32Array.from(parent),
    rParent: Float64Array.from(rParent),
    area: Float64Array.from(area),
    region: Uint8Array.from(region),
    section: Int32Array.from(section),
    segment: Int32Array.from(segment),
    x: Float64Array.from(x),
    length: Float64Array.from(length),
    pathDistance: Float64Array.from(dist),
    densityDistance: Float64Array.from(dist),
    nseg: Int32Array.from(nseg),
    dendriticNodes: Int32Array.from(dendritic),
    nBasal: dendritic.filter((i) => region[i] === REGION_CODE.basal).length,
    nApical: dendritic.filter((i) => region[i] === REGION_CODE.apical).length,
    longestApicalPath: longest,
    ra,
  };
}

/** A purely passive model on a tree (cm, gPas, ePas everywhere; no channels, no Ca shell). */
export function passiveModel(tree: CompartmentTree, cm = 1, gPas = 1e-4, ePas = -70): CellModel {
  const n = tree.nNodes;
  const fill = (value: number): Float64Array => new Float64Array(n).fill(value);
  return {
    name: 'passive-test',
    tree,
    cm: fill(cm),
    gPas: fill(gPas),
    ePas: fill(ePas),
    ena: fill(50),
    ek: fill(-85),
    eh: fill(-45),
    mechanisms: {},
    caShell: { gamma: fill(0), decay: fill(0), depth: 0.1, minCai: 1e-4, initCai: 5e-5 },
    ihVShift: 0,
    celsius: 6.3,
    vInit: ePas,
    synapses: { exc: AMPA_NMDA, inh: GABA_A, excNodes: tree.dendriticNodes, inhNodes: tree.dendriticNodes },
  };
}

/** A branched test tree: one basal cable, an apical trunk with two branches, an axon stub. */
export function branchedTree(): CompartmentTree {
  return cableTree(18.977, [
    { parent: -1, length: 30, diam: 1, nseg: 1, region: 'axon' },
    { parent: -1, length: 150, diam: 1.2, nseg: 5, region: 'basal' },
    { parent: -1, length: 400, diam: 3, nseg: 11, region: 'apical' },
    { parent: 2, length: 300, diam: 1.5, nseg: 7, region: 'apical' },
    { parent: 2, length: 250, diam: 1.0, nseg: 7, region: 'apical' },
  ]);
}
