/**
 * The paper's input statistics as a protocol on a described L5PC: shared by the validation
 * comparisons and `neurotwin bench reference`, so that both simulators get the identical events.
 */
import type { CellDescription, ProtocolDescription } from './exchange-format.js';
import { PatternGenerator } from '../../inputs/paper-pattern.js';
import { l5pcPaperInputs } from '../../inputs/presets.js';

/** Arc length of a section's 3-D points, µm. */
export function sectionLength(points: readonly (readonly [number, number, number, number])[]): number {
  let L = 0;
  for (let k = 1; k < points.length; k++) {
    const [x0, y0, z0] = points[k - 1];
    const [x1, y1, z1] = points[k];
    L += Math.hypot(x1 - x0, y1 - y0, z1 - z0);
  }
  return L;
}

/**
 * Input events of the paper's generator (spec §8) for a described L5PC: synapse lengths from the
 * compartments the excitatory synapses sit on, basal ids first. Events fall on integer ms.
 */
export function paperInputEvents(
  cell: CellDescription,
  dataset: 'nmda' | 'ampa',
  durationMs: number,
  seed: number,
): ProtocolDescription['events'] {
  const exc = cell.synapses.filter((s) => s.type === 'exc').sort((a, b) => a.id - b.id);
  if (exc.length === 0) throw new RangeError(`cell ${cell.cell} has no excitatory synapses`);
  exc.forEach((s, k) => {
    if (s.id !== k)
      throw new RangeError(`cell ${cell.cell}: excitatory synapse ids are not 0..${exc.length - 1}`);
  });
  const lengths = exc.map(
    (s) => sectionLength(cell.sections[s.section].points) / cell.sections[s.section].nseg,
  );
  const nBasal = exc.filter((s) => cell.sections[s.section].region === 'basal').length;
  const gen = new PatternGenerator(
    l5pcPaperInputs(lengths, nBasal, exc.length - nBasal, dataset),
    durationMs,
  );
  const pattern = gen.generate(seed);
  const pairs = (sp: { times: Int32Array; ids: Int32Array }): [number, number][] =>
    Array.from(sp.times, (t, k) => [sp.ids[k], t] as [number, number]);
  return { exc: pairs(pattern.exc), inh: pairs(pattern.inh) };
}

/** The paper's inputs on a described cell, soma recorded at 8 samples/ms (spec §9.1). */
export function paperInputProtocol(
  cell: CellDescription,
  dataset: 'nmda' | 'ampa',
  durationMs: number,
  seed: number,
  dt = 0.025,
  method: ProtocolDescription['method'] = 'backward-euler',
): ProtocolDescription {
  return {
    dt,
    tstop: durationMs,
    method,
    events: paperInputEvents(cell, dataset, durationMs, seed),
    iclamps: [],
    record: [{ name: 'soma', section: 0, x: 0.5 }],
    recordEvery: 0.125,
  };
}
