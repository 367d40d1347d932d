/**
 * Exporter: a cell model (tree + per-node biophysics) and its morphology → CellDescription, with the
 * per-segment densities exactly as the engine uses them, for an independent simulator (NEURON).
 * Also re-exports runProtocol so that a description and a protocol can be run on this engine.
 */
import type { CellModel } from '../cable/cell-model.js';
import { REGION_CODE } from '../cable/compartment-tree.js';
import { MECHANISM_NAMES, type MechanismName } from '../mechanisms/catalogue.js';
import { buildProceduralL5pc } from '../morphology/procedural-l5pc.js';
import type { Morphology } from '../morphology/types.js';
import type {
  CellDescription,
  SectionDescription,
  SynapseDescription,
} from '../neuron-oracle/exchange-format.js';
import { l5pcCellModel, l5pcTree, type L5pcCellId, type L5pcCellOptions } from './l5pc.js';

export { runProtocol } from './run-protocol.js';

/** Node of every (section, segment) of the tree. */
function segmentNodes(model: CellModel, nSections: number): Int32Array[] {
  const t = model.tree;
  const out: Int32Array[] = [];
  for (let s = 0; s < nSections; s++) out.push(new Int32Array(t.nseg[s]).fill(-1));
  for (let i = 0; i < t.nNodes; i++) {
    if (t.region[i] === REGION_CODE.junction) continue;
    out[t.section[i]][t.segment[i]] = i;
  }
  out.forEach((nodes, s) =>
    nodes.forEach((node, k) => {
      if (node < 0) throw new RangeError(`tree has no node for section ${s} segment ${k}`);
    }),
  );
  return out;
}

function uniform(values: Float64Array, nodes: Int32Array, what: string, section: string): number {
  const v = values[nodes[0]];
  for (const i of nodes) {
    if (values[i] !== v)
      throw new RangeError(`${section}: ${what} varies along the section; not describable`);
  }
  return v;
}

/** The description of a cell model built on `morphology` (the same morphology its tree came from). */
export function describeCell(model: CellModel, morphology: Morphology): CellDescription {
  const t = model.tree;
  if (t.nseg.length !== morphology.sections.length) {
    throw new RangeError(
      `tree has ${t.nseg.length} sections but morphology '${morphology.name}' has ${morphology.sections.length}`,
    );
  }
  const perSection = segmentNodes(model, morphology.sections.length);
  const sections: SectionDescription[] = morphology.sections.map((sec, s) => {
    const nodes = perSection[s];
    const mechanisms: Partial<Record<MechanismName, number[]>> = {};
    for (const name of MECHANISM_NAMES) {
      const density = model.mechanisms[name];
      if (!density) continue;
      const values = Array.from(nodes, (i) => density[i]);
      if (values.some((g) => g > 0)) mechanisms[name] = values;
    }
    const shell = model.caShell;
    const hasShell = Array.from(nodes).some((i) => shell.decay[i] > 0);
    const desc: SectionDescription = {
      name: sec.name,
      region: sec.region,
      parent: sec.parent,
      parentX: sec.parentX,
      nseg: t.nseg[s],
      points: sec.points.map((p) => [p.x, p.y, p.z, p.d]),
      cm: uniform(model.cm, nodes, 'cm', sec.name),
      ra: t.ra,
      gPas: uniform(model.gPas, nodes, 'gPas', sec.name),
      ePas: uniform(model.ePas, nodes, 'ePas', sec.name),
      mechanisms,
      ena: uniform(model.ena, nodes, 'ena', sec.name),
      ek: uniform(model.ek, nodes, 'ek', sec.name),
      eh: uniform(model.eh, nodes, 'eh', sec.name),
    };
    if (hasShell) {
      desc.caShell = {
        gamma: Array.from(nodes, (i) => shell.gamma[i]),
        decay: Array.from(nodes, (i) => shell.decay[i]),
        depth: shell.depth,
        minCai: shell.minCai,
        initCai: shell.initCai,
      };
    }
    return desc;
  });
  const synapses: SynapseDescription[] = [];
  const place = (type: 'exc' | 'inh', nodes: Int32Array): void => {
    nodes.forEach((node, id) => {
      if (t.region[node] === REGION_CODE.junction)
        throw new RangeError(`${type} synapse ${id} sits on a junction`);
      synapses.push({ type, id, section: t.section[node], x: t.x[node] });
    });
  };
  place('exc', model.synapses.excNodes);
  place('inh', model.synapses.inhNodes);
  if (model.ihVShift !== 0)
    throw new RangeError('a non-zero Ih voltage shift cannot be described (no field)');
  return {
    format: 'neurotwin-cell',
    version: 1,
    cell: model.name,
    celsius: model.celsius,
    vInit: model.vInit,
    sections,
    synapseTypes: { exc: { ...model.synapses.exc }, inh: { ...model.synapses.inh } },
    synapses,
  };
}

/** The description of a named cell ('l5pc-nmda', 'l5pc-ampa') on the procedural morphology or a given one. */
export function describeNamedCell(
  cell: string,
  options: Omit<L5pcCellOptions, 'tree'> = {},
): CellDescription {
  if (cell !== 'l5pc-nmda' && cell !== 'l5pc-ampa') {
    throw new RangeError(`no description for cell '${cell}' (known: l5pc-nmda, l5pc-ampa)`);
  }
  const morphology = options.morphology ?? buildProceduralL5pc();
  const tree = options.morphology || options.compartments ? l5pcTree({ ...options, morphology }) : l5pcTree();
  return describeCell(l5pcCellModel(cell as L5pcCellId, { ...options, tree }), morphology);
}
