/**
 * The validation comparisons (spec §11): each case builds a protocol, runs it on the TypeScript
 * engine and on NEURON (our NMODL mechanisms, src/reference/neuron-oracle/) and reduces
 * the two results to figures with limits. Shared by the jest tests and `npm run validate`.
 */
import type {
  CellDescription,
  ProtocolDescription,
} from '../../src/reference/neuron-oracle/exchange-format.js';
import type { MechanismName } from '../../src/reference/mechanisms/catalogue.js';
import { runNeuron, runNeuronBatch, type NeuronRunResult } from '../../src/reference/neuron-oracle/oracle.js';
import { paperInputProtocol, sectionLength } from '../../src/reference/neuron-oracle/paper-protocol.js';
import { matchSpikes, maxAbsDiff, relativeMaxDiff, subthresholdMeanAbsDiff } from './compare.js';
import { pointCell } from './fixtures.js';

/** What the engine side must return for a protocol (the subset of NeuronRunResult we compare). */
export interface TraceResult {
  t: ArrayLike<number>;
  traces: Record<string, ArrayLike<number>>;
  wallSeconds?: number;
}

export type EngineRunner = (
  cell: CellDescription,
  protocol: ProtocolDescription,
) => Promise<TraceResult> | TraceResult;

export interface ComparisonRow {
  case: string;
  figure: string;
  value: number;
  limit: number;
  pass: boolean;
  note?: string;
}

function row(caseName: string, figure: string, value: number, limit: number, note?: string): ComparisonRow {
  return { case: caseName, figure, value, limit, pass: Number.isFinite(value) && value <= limit, note };
}

/** A row whose value must reach the limit (a lower bound). */
function rowAtLeast(caseName: string, figure: string, value: number, limit: number): ComparisonRow {
  return { case: caseName, figure, value, limit, pass: Number.isFinite(value) && value >= limit };
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers over a description

/** Path distance (µm) from the soma centre to each section's distal end (spec §0). */
export function sectionEndDistances(cell: CellDescription): number[] {
  const out: number[] = [];
  cell.sections.forEach((s, i) => {
    const L = sectionLength(s.points);
    if (s.parent < 0) out.push(0);
    else if (cell.sections[s.parent].parent < 0 && s.parentX === 0.5) out.push(L);
    else out.push(out[s.parent] + L);
    if (i === 0) out[0] = 0;
  });
  return out;
}

/** The most distal apical site: centre of the last compartment of the apical section ending farthest out. */
export function distalApicalSite(cell: CellDescription): { section: number; x: number } {
  const d = sectionEndDistances(cell);
  let best = -1;
  cell.sections.forEach((s, i) => {
    if (s.region === 'apical' && (best < 0 || d[i] > d[best])) best = i;
  });
  if (best < 0) throw new Error(`cell ${cell.cell} has no apical section`);
  const nseg = cell.sections[best].nseg;
  return { section: best, x: (nseg - 0.5) / nseg };
}

/** The same cell with every active mechanism and the Ca shell removed (leak only). */
export function passiveVersion(cell: CellDescription): CellDescription {
  return {
    ...cell,
    cell: `${cell.cell}-passive`,
    sections: cell.sections.map((s) => ({ ...s, mechanisms: {}, caShell: undefined })),
  };
}

// ---------------------------------------------------------------------------------------------
// Passive cell: current step and synaptic input (≤ 0.05 mV at soma and a distal dendrite)

export const PASSIVE_LIMIT_MV = 0.05;

export function passiveStepProtocol(cell: CellDescription): ProtocolDescription {
  const distal = distalApicalSite(cell);
  return {
    dt: 0.025,
    tstop: 300,
    method: 'backward-euler',
    events: { exc: [], inh: [] },
    iclamps: [{ section: 0, x: 0.5, delay: 50, dur: 150, amp: 0.5 }],
    record: [
      { name: 'soma', section: 0, x: 0.5 },
      { name: 'distal', section: distal.section, x: distal.x },
    ],
    recordEvery: 0.125,
  };
}

/** Every 7th excitatory and every 11th inhibitory synapse, each hit a few times between 20 and 200 ms. */
export function passiveSynapticProtocol(cell: CellDescription): ProtocolDescription {
  const distal = distalApicalSite(cell);
  const exc: [number, number][] = [];
  const inh: [number, number][] = [];
  for (const s of cell.synapses) {
    if (s.type === 'exc' && s.id % 7 === 0)
      for (const t of [20, 60, 61, 120]) exc.push([s.id, t + (s.id % 5)]);
    if (s.type === 'inh' && s.id % 11 === 0) for (const t of [40, 130]) inh.push([s.id, t + (s.id % 3)]);
  }
  // the distal site's own synapse too, so the dendritic trace sees a large local event
  const local = cell.synapses.find((s) => s.type === 'exc' && s.section === distal.section);
  if (local) exc.push([local.id, 150]);
  return { ...passiveStepProtocol(cell), iclamps: [], events: { exc, inh }, tstop: 250 };
}

export async function passiveCases(cell: CellDescription, engine: EngineRunner): Promise<ComparisonRow[]> {
  const passive = passiveVersion(cell);
  const rows: ComparisonRow[] = [];
  const protocols: [string, ProtocolDescription][] = [
    ['passive, soma step 0.5 nA', passiveStepProtocol(passive)],
    ['passive, synaptic input', passiveSynapticProtocol(passive)],
  ];
  const nrn = await runNeuronBatch(protocols.map(([, protocol]) => ({ cell: passive, protocol })));
  for (let k = 0; k < protocols.length; k++) {
    const [name, protocol] = protocols[k];
    const ours = await engine(passive, protocol);
    for (const site of ['soma', 'distal']) {
      rows.push(
        row(
          `${cell.cell} ${name}`,
          `max |ΔV| ${site} (mV)`,
          maxAbsDiff(ours.traces[site], nrn[k].traces[site]),
          PASSIVE_LIMIT_MV,
        ),
      );
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Each active mechanism alone in one compartment under a voltage-clamp family (≤ 1e-3 relative)

export const MECHANISM_REL_LIMIT = 1e-3;

/** Representative densities (spec §4.13), states and currents recorded per mechanism. */
const MECHANISM_SETUPS: Record<
  MechanismName,
  { densities: Partial<Record<MechanismName, number>>; shell: boolean; record: string[] }
> = {
  NaTs2: { densities: { NaTs2: 0.998912 }, shell: false, record: ['m_NaTs2', 'h_NaTs2', 'ina'] },
  NaTa: { densities: { NaTa: 3.89618 }, shell: false, record: ['m_NaTa', 'h_NaTa', 'ina'] },
  NaP: { densities: { NaP: 0.005834 }, shell: false, record: ['m_NaP', 'h_NaP', 'ina'] },
  KT: { densities: { KT: 0.077274 }, shell: false, record: ['m_KT', 'h_KT', 'ik'] },
  KP: { densities: { KP: 0.188851 }, shell: false, record: ['m_KP', 'h_KP', 'ik'] },
  Kv31: { densities: { Kv31: 0.338029 }, shell: false, record: ['m_Kv31', 'ik'] },
  Im: { densities: { Im: 0.013322 }, shell: false, record: ['m_Im', 'ik'] },
  Ih: { densities: { Ih: 0.002 }, shell: false, record: ['m_Ih', 'ihcn_Ih'] },
  CaHVA: { densities: { CaHVA: 0.000644 }, shell: true, record: ['m_CaHVA', 'h_CaHVA', 'ica', 'cai'] },
  CaLVA: { densities: { CaLVA: 0.2271264 }, shell: true, record: ['m_CaLVA', 'h_CaLVA', 'ica', 'cai'] },
  // SK needs Ca entry to move: HVA Ca fills the shell, SK follows [Ca]i
  SK: { densities: { SK: 0.09965, CaHVA: 0.000644 }, shell: true, record: ['z_SK', 'ik', 'cai'] },
};

export const CLAMP_LEVELS_MV = [-60, -40, -20, 0, 20];
const HOLD_MV = -80;

export function clampProtocol(level: number, record: string[]): ProtocolDescription {
  return {
    dt: 0.025,
    tstop: 80,
    method: 'backward-euler',
    events: { exc: [], inh: [] },
    iclamps: [],
    vclamps: [
      {
        section: 0,
        x: 0.5,
        levels: [
          { dur: 10, amp: HOLD_MV },
          { dur: 50, amp: level },
          { dur: 20, amp: HOLD_MV },
        ],
      },
    ],
    record: [
      { name: 'v', section: 0, x: 0.5 },
      ...record.map((variable) => ({ name: variable, section: 0, x: 0.5, variable })),
    ],
    recordEvery: 0.025,
  };
}

export async function mechanismCases(engine: EngineRunner, only?: MechanismName[]): Promise<ComparisonRow[]> {
  const names = (only ?? (Object.keys(MECHANISM_SETUPS) as MechanismName[])).filter(
    (n) => n in MECHANISM_SETUPS,
  );
  const runs: { name: MechanismName; cell: CellDescription; protocol: ProtocolDescription }[] = [];
  for (const name of names) {
    const setup = MECHANISM_SETUPS[name];
    const cell = pointCell(setup.densities, { withShell: setup.shell });
    cell.vInit = HOLD_MV;
    for (const level of CLAMP_LEVELS_MV)
      runs.push({ name, cell, protocol: clampProtocol(level, setup.record) });
  }
  const nrn = await runNeuronBatch(runs);
  // worst relative error per mechanism and variable over the family
  const worst = new Map<string, number>();
  for (let k = 0; k < runs.length; k++) {
    const { name, cell, protocol } = runs[k];
    const ours = await engine(cell, protocol);
    for (const variable of MECHANISM_SETUPS[name].record) {
      const key = `${name}\u0000${variable}`;
      const err = relativeMaxDiff(ours.traces[variable], nrn[k].traces[variable]);
      worst.set(key, Math.max(worst.get(key) ?? 0, Number.isNaN(err) ? Infinity : err));
    }
  }
  return [...worst.entries()].map(([key, err]) => {
    const [name, variable] = key.split('\u0000');
    return row(
      `${name} alone, V-clamp ${CLAMP_LEVELS_MV.join('/')} mV`,
      `max rel. error ${variable}`,
      err,
      MECHANISM_REL_LIMIT,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Full active cell under 2 s of the paper's input statistics

export const SPIKE_TOLERANCE_MS = 0.5;
/**
 * Input seed of the 2-s comparisons: chosen so that both cells fire several somatic spikes (seed 2:
 * 10 spikes in l5pc-nmda and in l5pc-ampa; seed 1 gives 1 and 0), so the spike check means something.
 */
export const FULL_CELL_SEED = 2;
/** A 2-s comparison with fewer NEURON spikes than this does not test spike timing and fails. */
export const MIN_REFERENCE_SPIKES = 5;
export const SUBTHRESHOLD_MEAN_LIMIT_MV = 0.3;
/** Samples at or above this voltage are treated as part of a spike (spec §9.4's clip level). */
const SUBTHRESHOLD_CEILING_MV = -55;
const SPIKE_SAMPLE_MS = 0.125;

/** Spike peaks of spec §9.2 on a soma trace sampled every `step` ms from t = 0. */
export function detectSpikePeaks(v: ArrayLike<number>, step: number): number[] {
  const out: number[] = [];
  for (let j = 1; j < v.length - 1; j++) {
    if (v[j] > -25 && v[j] - v[j - 1] > 0 && v[j + 1] - v[j] < 0) out.push(j * step);
  }
  return out;
}

export interface FullCellOutcome {
  rows: ComparisonRow[];
  neuron: NeuronRunResult;
  engine: TraceResult;
  engineSpikes: number[];
  neuronSpikes: number[];
}

export async function fullCellCase(
  cell: CellDescription,
  dataset: 'nmda' | 'ampa',
  engine: EngineRunner,
  opts: { durationMs?: number; seed?: number } = {},
): Promise<FullCellOutcome> {
  const durationMs = opts.durationMs ?? 2000;
  const seed = opts.seed ?? FULL_CELL_SEED;
  const protocol = paperInputProtocol(cell, dataset, durationMs, seed);
  const [nrn, ours] = await Promise.all([runNeuron(cell, protocol), Promise.resolve(engine(cell, protocol))]);
  const neuronSpikes = detectSpikePeaks(nrn.traces.soma, SPIKE_SAMPLE_MS);
  const engineSpikes = detectSpikePeaks(ours.traces.soma, SPIKE_SAMPLE_MS);
  const m = matchSpikes(engineSpikes, neuronSpikes, SPIKE_TOLERANCE_MS);
  const sub = subthresholdMeanAbsDiff(ours.traces.soma, nrn.traces.soma, SUBTHRESHOLD_CEILING_MV);
  const name = `${cell.cell} ${durationMs} ms paper inputs (${dataset}, seed ${seed})`;
  const spikeNote = `NEURON ${neuronSpikes.length} spikes, ours ${engineSpikes.length}; matched ${m.matched}, max lag ${m.maxLag.toFixed(3)} ms, mean lag ${m.meanLag.toFixed(3)} ms`;
  return {
    rows: [
      rowAtLeast(name, 'NEURON somatic spikes (at least)', neuronSpikes.length, MIN_REFERENCE_SPIKES),
      row(name, 'unmatched spikes (missing + extra, ±0.5 ms)', m.missing + m.extra, 0, spikeNote),
      row(
        name,
        'subthreshold soma mean |ΔV| (mV)',
        sub.mean,
        SUBTHRESHOLD_MEAN_LIMIT_MV,
        `${sub.samples} samples below −55 mV`,
      ),
    ],
    neuron: nrn,
    engine: ours,
    engineSpikes,
    neuronSpikes,
  };
}
