/**
 * The mechanisms of a cell model, built from its per-node densities, in the order a substep runs
 * them: the Ca shell (clears i_Ca; advances [Ca]i first, so SK sees the new value), the Nernst E_Ca,
 * the voltage-gated channels in catalogue order, SK, then the excitatory and inhibitory synapses.
 */
import { channelDefinition, VOLTAGE_GATED_NAMES } from '../mechanisms/catalogue.js';
import { CaShellPopulation } from './ca-shell-population.js';
import type { CellModel } from './cell-model.js';
import type { ChannelDefinition } from '../mechanisms/rate-helpers.js';
import { ChannelBundle } from './channel-bundle.js';
import { ChannelPopulation, type RateEvaluation } from './channel-population.js';
import { channelTable, type VoltageGrid } from './gate-table.js';
import type { Mechanism } from './mechanism.js';
import { laneSlots, repeatPerLane, type CaIon, type Membrane } from './membrane.js';
import { NernstCa } from './nernst-ca.js';
import { SkPopulation } from './sk-population.js';
import { SynapsePopulation } from './synapse-population.js';

export interface MechanismSet {
  readonly ca: CaIon;
  readonly shell: CaShellPopulation;
  readonly nernst: NernstCa;
  readonly channels: ChannelPopulation[];
  readonly sk: SkPopulation;
  readonly exc: SynapsePopulation;
  readonly inh: SynapsePopulation;
  /** all of them, in substep order */
  readonly all: Mechanism[];
}

export function buildMechanisms(
  model: CellModel,
  membrane: Membrane,
  rates: RateEvaluation,
  grid: VoltageGrid,
): MechanismSet {
  const tree = model.tree;
  const n = tree.nNodes;
  const shellList: number[] = [];
  for (let i = 0; i < n; i++) if (model.caShell.decay[i] > 0 && tree.area[i] > 0) shellList.push(i);
  const L = membrane.lanes;
  const size = n * L;
  const shellNodes = Int32Array.from(shellList);
  const store = membrane.store;
  const ca: CaIon = {
    nodes: shellNodes,
    slots: store.place(laneSlots(shellNodes, L)),
    cai: store.f64(size),
    eca: store.f64(size),
    iCa: store.f64(size),
    gCa: store.f64(size),
  };
  const shell = new CaShellPopulation(model.caShell, ca, membrane);
  const nernst = new NernstCa(ca, model.celsius, membrane.lanes, membrane.kernels);

  const ena = store.place(repeatPerLane(model.ena, L));
  const ek = store.place(repeatPerLane(model.ek, L));
  const eh = store.place(repeatPerLane(model.eh, L));
  const present: { name: string; nodes: Int32Array; values: Float64Array; def: ChannelDefinition }[] = [];
  for (const name of VOLTAGE_GATED_NAMES) {
    const density = model.mechanisms[name];
    if (!density) continue;
    const { nodes, values } = members(density, tree.area);
    if (nodes.length === 0) continue;
    present.push({ name, nodes, values, def: channelDefinition(name, model.ihVShift) });
  }
  // with the kernels, channels on identical node lists advance together (channel-bundle.ts)
  const bundleOf = new Map<string, string>();
  if (membrane.kernels && rates === 'table') {
    const byNodes = new Map<string, string[]>();
    for (const { name, nodes, def } of present) {
      if (!ChannelPopulation.kernelsFit(def)) continue;
      const list = nodes.join(',');
      byNodes.set(list, [...(byNodes.get(list) ?? []), name]);
    }
    for (const [list, names] of byNodes) if (names.length > 1) for (const n of names) bundleOf.set(n, list);
  }
  const channels: ChannelPopulation[] = [];
  const tableKeyOf = (name: string): string => (name === 'Ih' ? `Ih@${model.ihVShift}` : name);
  for (const { name, nodes, values, def } of present) {
    if (def.ion === 'ca') {
      for (const i of nodes) {
        if (!(model.caShell.decay[i] > 0)) {
          throw new RangeError(`node ${i} has Ca channel ${name} but no Ca shell (decay must be > 0)`);
        }
      }
    }
    const e = def.ion === 'na' ? ena : def.ion === 'k' ? ek : eh;
    channels.push(
      new ChannelPopulation(
        def,
        tableKeyOf(name),
        nodes,
        values,
        tree.area,
        e,
        membrane,
        ca,
        rates,
        grid,
        bundleOf.has(name),
      ),
    );
  }
  for (const list of new Set(bundleOf.values())) {
    const members = channels.filter((c) => bundleOf.get(c.name) === list);
    const tables = members.map((c) =>
      channelTable(c.tableKey, present.find((p) => p.name === c.name)!.def.gates, membrane.dt, grid),
    );
    new ChannelBundle(members, tables, members[0].slots, membrane, grid, channels);
  }

  const skMembers = members(model.mechanisms.SK ?? new Float64Array(n), tree.area);
  const sk = new SkPopulation(skMembers.nodes, skMembers.values, tree.area, ek, ca, membrane, rates);
  const syn = model.synapses;
  const exc = new SynapsePopulation(syn.exc, syn.excNodes, membrane, rates, grid);
  const inh = new SynapsePopulation(syn.inh, syn.inhNodes, membrane, rates, grid);
  const all: Mechanism[] = [shell, nernst, ...channels, sk, exc, inh];
  return { ca, shell, nernst, channels, sk, exc, inh, all };
}

/** Nodes whose density is > 0 (membrane nodes only) and their densities. */
function members(density: Float64Array, area: Float64Array): { nodes: Int32Array; values: Float64Array } {
  const nodes: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < density.length; i++) {
    if (density[i] > 0 && area[i] > 0) {
      nodes.push(i);
      values.push(density[i]);
    }
  }
  return { nodes: Int32Array.from(nodes), values: Float64Array.from(values) };
}
