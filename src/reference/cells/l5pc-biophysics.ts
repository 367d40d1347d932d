/**
 * The biophysics of the layer-5b pyramidal cell (Hay et al. 2011, "biophys 5b"; spec §3, §4.13–§4.16)
 * laid onto any compartment tree: per-region passive parameters, channel densities, Ca shell,
 * distance-dependent apical Ih and the LVA hot zone, and one excitatory + one inhibitory synapse per
 * dendritic compartment in the tree's synapse order (§5.4).
 */
import type { CellModel } from '../cable/cell-model.js';
import { REGION_CODE, type CompartmentTree } from '../cable/compartment-tree.js';
import type { MechanismName, SynapseParams } from '../mechanisms/catalogue.js';
import { CA_SHELL_DEFAULTS } from '../mechanisms/ca-shell.js';
import { AMPA, AMPA_NMDA, GABA_A } from '../mechanisms/synapses.js';

type DensityRow = Partial<Record<'soma' | 'axon' | 'basal' | 'apical', number>>;

/** Table 4.13 (S/cm²); apical Ih and LVA follow the distance rules instead. */
const DENSITIES: Record<MechanismName, DensityRow> = {
  NaTs2: { soma: 0.998912, apical: 0.021489 },
  NaTa: { axon: 3.89618 },
  NaP: { axon: 0.005834 },
  KT: { axon: 0.077274 },
  KP: { axon: 0.188851 },
  Kv31: { soma: 0.338029, axon: 0.473799, apical: 0.001808 },
  SK: { soma: 0.09965, axon: 0.000047, apical: 0.000002 },
  Im: { soma: 0.000008, axon: 0.013322, apical: 0.00099 },
  Ih: { soma: 0.000075, axon: 0.00005, basal: 0.00005 },
  CaHVA: { soma: 0.000644, axon: 0.000222, apical: 0.000701 },
  CaLVA: { soma: 0.000557, axon: 0.000813 },
};

const SHELL_GAMMA: DensityRow = { soma: 0.000509, axon: 0.000525, apical: 0.000637 };
const SHELL_DECAY: DensityRow = { soma: 294.679571, axon: 277.300774, apical: 35.725651 };

const PASSIVE = {
  soma: { cm: 1, gPas: 3e-5 },
  axon: { cm: 1, gPas: 3e-5 },
  basal: { cm: 2, gPas: 6e-5 },
  apical: { cm: 2, gPas: 6e-5 },
} as const;

export const E_PAS = -90;
export const E_NA = 50;
export const E_K = -85;
export const E_H = -45;
export const V_INIT = -76;

/** Apical Ih density at path distance d (µm), normalised by the longest apical path (spec §4.14). */
export function apicalIhDensity(d: number, longestApicalPath: number): number {
  return 1e-4 * (-0.8696 + 2.087 * Math.exp(3.6161 * Math.min(d / longestApicalPath, 0.65)));
}

/** Apical LVA density: the hot zone 685 < d < 885 µm (strict) has 100× the base value (spec §4.15). */
export function apicalLvaDensity(d: number): number {
  return 0.141954 * 1.6 * (d > 685 && d < 885 ? 1 : 0.01);
}

export type SynapseSet = 'ampa-nmda' | 'ampa';

export interface L5pcOptions {
  /** cell id, default 'l5pc-nmda' / 'l5pc-ampa' after the synapse set */
  name?: string;
  /** excitatory synapse type (default 'ampa-nmda') */
  synapses?: SynapseSet;
  /** multiply the SK density in soma, axon and apical dendrites ("AMPA_SK" dataset: 0.1) */
  skScale?: number;
  /** Ih voltage shift V_s, mV (0 in the paper) */
  ihVShift?: number;
  /** temperature for the Nernst E_Ca, °C (6.3, quirk Q1) */
  celsius?: number;
}

const REGION_NAMES = ['soma', 'axon', 'basal', 'apical'] as const;

export function l5pcModel(tree: CompartmentTree, options: L5pcOptions = {}): CellModel {
  const n = tree.nNodes;
  const synapseSet = options.synapses ?? 'ampa-nmda';
  if (synapseSet !== 'ampa-nmda' && synapseSet !== 'ampa') {
    throw new RangeError(`unknown synapse set '${String(synapseSet)}' (expected 'ampa-nmda' or 'ampa')`);
  }
  const skScale = options.skScale ?? 1;
  if (!(skScale >= 0)) throw new RangeError(`skScale must be >= 0, got ${skScale}`);
  if (!(tree.longestApicalPath > 0) && tree.nApical > 0) {
    throw new RangeError(`tree.longestApicalPath must be > 0, got ${tree.longestApicalPath}`);
  }
  const cm = new Float64Array(n);
  const gPas = new Float64Array(n);
  const ePas = new Float64Array(n).fill(E_PAS);
  const mechanisms: Partial<Record<MechanismName, Float64Array>> = {};
  for (const name of Object.keys(DENSITIES) as MechanismName[]) mechanisms[name] = new Float64Array(n);
  const gamma = new Float64Array(n);
  const decay = new Float64Array(n);

  for (let i = 0; i < n; i++) {
    const code = tree.region[i];
    if (code === REGION_CODE.junction) continue;
    const region = REGION_NAMES[code];
    if (region === undefined) throw new RangeError(`node ${i} has unknown region code ${code}`);
    cm[i] = PASSIVE[region].cm;
    gPas[i] = PASSIVE[region].gPas;
    for (const name of Object.keys(DENSITIES) as MechanismName[]) {
      let g = DENSITIES[name][region] ?? 0;
      if (name === 'SK') g *= skScale;
      mechanisms[name]![i] = g;
    }
    if (region === 'apical') {
      const d = tree.densityDistance[i];
      mechanisms.Ih![i] = apicalIhDensity(d, tree.longestApicalPath);
      mechanisms.CaLVA![i] = apicalLvaDensity(d);
    }
    gamma[i] = SHELL_GAMMA[region] ?? 0;
    decay[i] = SHELL_DECAY[region] ?? 0;
  }

  const exc: SynapseParams = synapseSet === 'ampa-nmda' ? AMPA_NMDA : AMPA;
  return {
    name: options.name ?? (synapseSet === 'ampa-nmda' ? 'l5pc-nmda' : 'l5pc-ampa'),
    tree,
    cm,
    gPas,
    ePas,
    ena: new Float64Array(n).fill(E_NA),
    ek: new Float64Array(n).fill(E_K),
    eh: new Float64Array(n).fill(E_H),
    mechanisms,
    caShell: { gamma, decay, ...CA_SHELL_DEFAULTS },
    ihVShift: options.ihVShift ?? 0,
    celsius: options.celsius ?? 6.3,
    vInit: V_INIT,
    synapses: {
      exc: { ...exc },
      inh: { ...GABA_A },
      excNodes: tree.dendriticNodes.slice(),
      inhNodes: tree.dendriticNodes.slice(),
    },
  };
}
