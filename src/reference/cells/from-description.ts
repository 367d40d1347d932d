/**
 * CellDescription → CellModel: rebuilds the compartment tree from the described sections and lays
 * the per-segment values onto its nodes, so a description runs on this engine exactly as exported.
 */
import type { CellModel } from '../cable/cell-model.js';
import { buildCompartmentTree } from '../cable/compartments.js';
import { REGION_CODE } from '../cable/compartment-tree.js';
import { CA_SHELL_DEFAULTS } from '../mechanisms/ca-shell.js';
import { MECHANISM_NAMES, type MechanismName } from '../mechanisms/catalogue.js';
import type { Morphology } from '../morphology/types.js';
import type { CellDescription } from '../neuron-oracle/exchange-format.js';

export function morphologyOfDescription(desc: CellDescription): Morphology {
  return {
    name: desc.cell,
    sections: desc.sections.map((s, id) => ({
      id,
      name: s.name,
      region: s.region,
      parent: s.parent,
      parentX: s.parentX,
      points: s.points.map(([x, y, z, d]) => ({ x, y, z, d })),
    })),
  };
}

/** NEURON's x → segment rule: segment k covers [k/nseg, (k+1)/nseg]. */
export function segmentOfX(x: number, nseg: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`position x=${x} is outside [0, 1]`);
  return Math.min(nseg - 1, Math.floor(x * nseg));
}

export function modelFromDescription(desc: CellDescription): CellModel {
  if (desc.format !== 'neurotwin-cell' || desc.version !== 1) {
    throw new RangeError(
      `not a neurotwin-cell v1 description (format ${desc.format}, version ${desc.version})`,
    );
  }
  const ras = new Set(desc.sections.map((s) => s.ra));
  if (ras.size !== 1)
    throw new RangeError(`sections must share one axial resistivity, got ${[...ras].join(', ')}`);
  const tree = buildCompartmentTree(morphologyOfDescription(desc), { ra: desc.sections[0].ra });
  desc.sections.forEach((s, i) => {
    if (tree.nseg[i] !== s.nseg) {
      throw new RangeError(`section ${s.name}: nseg ${s.nseg} differs from the nseg rule's ${tree.nseg[i]}`);
    }
  });
  const n = tree.nNodes;
  const arr = (): Float64Array => new Float64Array(n);
  const cm = arr();
  const gPas = arr();
  const ePas = arr();
  const ena = arr().fill(50);
  const ek = arr().fill(-85);
  const eh = arr().fill(-45);
  const gamma = arr();
  const decay = arr();
  const mechanisms: Partial<Record<MechanismName, Float64Array>> = {};
  let shellScalars: { depth: number; minCai: number; initCai: number } | undefined;
  for (let i = 0; i < n; i++) {
    if (tree.region[i] === REGION_CODE.junction) continue;
    const s = desc.sections[tree.section[i]];
    const k = tree.segment[i];
    cm[i] = s.cm;
    gPas[i] = s.gPas;
    ePas[i] = s.ePas;
    if (s.ena !== undefined) ena[i] = s.ena;
    if (s.ek !== undefined) ek[i] = s.ek;
    if (s.eh !== undefined) eh[i] = s.eh;
    for (const [name, values] of Object.entries(s.mechanisms) as [MechanismName, number[]][]) {
      if (!MECHANISM_NAMES.includes(name))
        throw new RangeError(`section ${s.name}: unknown mechanism '${name}'`);
      if (values.length !== s.nseg) {
        throw new RangeError(`section ${s.name}: ${name} has ${values.length} values for ${s.nseg} segments`);
      }
      (mechanisms[name] ??= arr())[i] = values[k];
    }
    if (s.caShell) {
      gamma[i] = s.caShell.gamma[k];
      decay[i] = s.caShell.decay[k];
      shellScalars ??= s.caShell;
    }
  }
  const excNodes = new Int32Array(desc.synapses.filter((q) => q.type === 'exc').length).fill(-1);
  const inhNodes = new Int32Array(desc.synapses.filter((q) => q.type === 'inh').length).fill(-1);
  for (const syn of desc.synapses) {
    const nodes = syn.type === 'exc' ? excNodes : inhNodes;
    if (!(syn.id >= 0 && syn.id < nodes.length) || nodes[syn.id] >= 0) {
      throw new RangeError(
        `synapse ids of type ${syn.type} must be 0..${nodes.length - 1} without repeats (got ${syn.id})`,
      );
    }
    const s = desc.sections[syn.section];
    if (!s) throw new RangeError(`synapse ${syn.type}[${syn.id}] on unknown section ${syn.section}`);
    const k = segmentOfX(syn.x, s.nseg);
    nodes[syn.id] = nodeOf(tree.section, tree.segment, syn.section, k);
  }
  const shell = shellScalars ?? CA_SHELL_DEFAULTS;
  return {
    name: desc.cell,
    tree,
    cm,
    gPas,
    ePas,
    ena,
    ek,
    eh,
    mechanisms,
    caShell: { gamma, decay, depth: shell.depth, minCai: shell.minCai, initCai: shell.initCai },
    ihVShift: 0,
    celsius: desc.celsius,
    vInit: desc.vInit,
    synapses: { exc: desc.synapseTypes.exc, inh: desc.synapseTypes.inh, excNodes, inhNodes },
  };
}

export function nodeOf(section: Int32Array, segment: Int32Array, s: number, k: number): number {
  for (let i = 0; i < section.length; i++) if (section[i] === s && segment[i] === k) return i;
  throw new RangeError(`no node for section ${s} segment ${k}`);
}
