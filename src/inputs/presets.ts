import type { PatternGeneratorConfig, SynapseGroup } from './paper-pattern.js';

/** Input statistics of the paper's I&F experiment (spec §7). */
export function ifPaperInputs(): PatternGeneratorConfig {
  const nExc = 80;
  const nInh = 20;
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  return {
    preset: 'if-paper',
    nExc,
    nInh,
    groups: [
      {
        name: 'all',
        excIds: range(nExc),
        excWeights: new Array<number>(nExc).fill(1),
        inhIds: range(nInh),
        inhWeights: new Array<number>(nInh).fill(1),
        excCount: [0, 50],
        // I ~ U[max(0, E−50), E−15]
        inhDelta: [-50, -15],
      },
    ],
    holdOptionsMs: [25, 30, 35, 40, 50, 60, 70, 80, 90, 100],
    sigmaOptionsMs: [40, 60, 80, 100],
    jitterMs: 20,
    noise: [0.5, 1.5],
    negativeCountFloor: 1e-4,
  };
}

export type L5pcDataset = 'nmda' | 'ampa' | 'ampa-sk';

/** Per-tree count ranges of §8.2: basal E, apical E, and the inhibitory Δ of both trees. */
const L5PC_COUNTS: Record<
  L5pcDataset,
  { basal: [number, number]; apical: [number, number]; delta: [number, number] }
> = {
  nmda: { basal: [0, 800], apical: [0, 800], delta: [-600, 200] },
  ampa: { basal: [0, 1900], apical: [0, 2000], delta: [-1650, 150] },
  'ampa-sk': { basal: [0, 1900], apical: [0, 2000], delta: [-1500, 300] },
};

/** µm added to every compartment length before it weights the rates (§8.3). */
export const LENGTH_FLOOR_UM = 10;

/**
 * Input statistics of the paper's L5PC datasets (spec §8): one excitatory and one inhibitory synapse
 * per dendritic compartment (ids = compartment index, basal first then apical), basal and apical
 * trees with their own counts, rates weighted by compartment length + 10 µm.
 */
export function l5pcPaperInputs(
  lengths: ArrayLike<number>,
  nBasal: number,
  nApical: number,
  dataset: L5pcDataset,
): PatternGeneratorConfig {
  const counts = L5PC_COUNTS[dataset];
  if (!counts)
    throw new RangeError(
      `unknown L5PC dataset '${String(dataset)}' (known: ${Object.keys(L5PC_COUNTS).join(', ')})`,
    );
  if (!Number.isInteger(nBasal) || !Number.isInteger(nApical) || nBasal < 1 || nApical < 1) {
    throw new RangeError(`nBasal and nApical must be positive integers`);
  }
  const n = nBasal + nApical;
  if (lengths.length !== n) throw new RangeError(`expected ${n} compartment lengths, got ${lengths.length}`);
  const tree = (name: string, first: number, count: number, excCount: [number, number]): SynapseGroup => {
    const ids = Array.from({ length: count }, (_, i) => first + i);
    const weights = ids.map((k) => {
      const len = lengths[k];
      if (!(len >= 0) || !Number.isFinite(len))
        throw new RangeError(`compartment ${k} has invalid length ${len}`);
      return len + LENGTH_FLOOR_UM;
    });
    return {
      name,
      excIds: ids,
      excWeights: weights,
      inhIds: ids,
      inhWeights: weights,
      excCount,
      inhDelta: counts.delta,
    };
  };
  return {
    preset: `l5pc-paper-${dataset}`,
    nExc: n,
    nInh: n,
    groups: [tree('basal', 0, nBasal, counts.basal), tree('apical', nBasal, nApical, counts.apical)],
    holdOptionsMs: [25, 30, 35, 40, 45, 55, 60, 65, 70, 75, 80, 85, 90, 100, 150, 200, 300, 450],
    sigmaOptionsMs: [25, 30, 35, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500, 600],
    jitterMs: 20,
    noise: [0.5, 1.5],
    negativeCountFloor: 1e-4,
  };
}
