/** Small hand-built cell descriptions for checks that do not need the engine's exporter. */
import type { CellDescription } from '../../src/reference/neuron-oracle/exchange-format.js';
import type { MechanismName } from '../../src/reference/mechanisms/catalogue.js';
import { AMPA_NMDA, GABA_A } from '../../src/reference/mechanisms/synapses.js';

/**
 * One cylindrical soma compartment (20 µm × 20 µm) with soma passive parameters (spec §3.1),
 * the given mechanism densities (S/cm²), optionally the soma Ca shell (§4.12–4.13).
 */
export function pointCell(
  densities: Partial<Record<MechanismName, number>>,
  opts: { withShell: boolean },
): CellDescription {
  const mechanisms: Partial<Record<MechanismName, number[]>> = {};
  for (const [name, g] of Object.entries(densities)) mechanisms[name as MechanismName] = [g];
  return {
    format: 'neurotwin-cell',
    version: 1,
    cell: 'point',
    celsius: 6.3,
    vInit: -76,
    sections: [
      {
        name: 'soma[0]',
        region: 'soma',
        parent: -1,
        parentX: 0.5,
        nseg: 1,
        points: [
          [0, 0, 0, 20],
          [20, 0, 0, 20],
        ],
        cm: 1,
        ra: 100,
        gPas: 3e-5,
        ePas: -90,
        mechanisms,
        caShell: opts.withShell
          ? { gamma: [0.000509], decay: [294.679571], depth: 0.1, minCai: 1e-4, initCai: 5e-5 }
          : undefined,
        ena: 50,
        ek: -85,
        eh: -45,
      },
    ],
    synapseTypes: { exc: { ...AMPA_NMDA }, inh: { ...GABA_A } },
    synapses: [],
  };
}
