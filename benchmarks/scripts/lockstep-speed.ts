/**
 * Trials in lockstep vs one at a time: `lanes` trials of l5pc-nmda under the paper's NMDA inputs
 * (seeds 1..lanes) stepped together by one engine, then each alone, in the same process. Prints the
 * CPU seconds per simulated second of one trial both ways, their ratio (< 1: lockstep is cheaper per
 * trial), and whether every lane's soma trace and spike times equal its trial run alone, bit for bit.
 */
import { parseArgs } from 'node:util';
import { PatternGenerator, type InputPattern } from '../../src/inputs/paper-pattern.js';
import { CompartmentalLanes } from '../../src/reference/cells/compartmental-lanes.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { createL5pc, l5pcCellModel } from '../../src/reference/cells/l5pc.js';
import type { IntegrationMethod } from '../../src/reference/cable/engine.js';
import type { BinOutput } from '../../src/core/neuron.js';

const USAGE =
  'usage: node dist/benchmarks/scripts/lockstep-speed.js [--lanes 4] [--duration 1000] [--method crank-nicolson] [--dt 0.0625]';

const { values } = parseArgs({
  options: {
    lanes: { type: 'string', default: '4' },
    duration: { type: 'string', default: '1000' },
    method: { type: 'string', default: 'crank-nicolson' },
    dt: { type: 'string', default: '0.0625' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const lanes = Number(values.lanes);
const durationMs = Number(values.duration);
const dt = Number(values.dt);
const method = values.method as IntegrationMethod;
if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`--lanes must be a positive integer`);
if (!Number.isInteger(durationMs) || durationMs < 1)
  throw new RangeError(`--duration must be a positive integer`);
if (method !== 'backward-euler' && method !== 'crank-nicolson')
  throw new RangeError(`unknown --method ${method}`);

const gen = new PatternGenerator(cellInfo('l5pc-nmda').defaultInputs(), durationMs);
const copy = (p: InputPattern): InputPattern => structuredClone(p);
const patterns = Array.from({ length: lanes }, (_, l) => copy(gen.generate(l + 1)));
const bin = (p: InputPattern, k: number): [Int32Array, Int32Array] => [
  p.exc.ids.subarray(p.excOffsets[k], p.excOffsets[k + 1]),
  p.inh.ids.subarray(p.inhOffsets[k], p.inhOffsets[k + 1]),
];
const cpuSeconds = (f: () => void): number => {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

const together = new CompartmentalLanes(l5pcCellModel('l5pc-nmda'), { dt, method, lanes });
const outs: BinOutput[] = patterns.map(() => ({ bin: 0, voltage: 0, spike: false }));
const traces = patterns.map(() => new Float64Array(durationMs));
const exc: Int32Array[] = [];
const inh: Int32Array[] = [];
const lockstep = cpuSeconds(() => {
  for (let k = 0; k < durationMs; k++) {
    patterns.forEach((p, l) => ([exc[l], inh[l]] = bin(p, k)));
    if (together.step(exc, inh, outs)) outs.forEach((o, l) => (traces[l][o.bin] = o.voltage));
  }
});
let identical = 0;
let alone = 0;
patterns.forEach((p, l) => {
  const cell = createL5pc('l5pc-nmda', { dt, method });
  const out: BinOutput = { bin: 0, voltage: 0, spike: false };
  const trace = new Float64Array(durationMs);
  alone += cpuSeconds(() => {
    for (let k = 0; k < durationMs; k++) {
      const [e, i] = bin(p, k);
      if (cell.step(e, i, out)) trace[out.bin] = out.voltage;
    }
  });
  const same =
    trace.every((v, k) => Object.is(v, traces[l][k])) &&
    JSON.stringify(cell.spikeTimes()) === JSON.stringify(together.spikeTimes(l));
  if (same) identical++;
});
const perTrial = (s: number): number => +(s / lanes / (durationMs / 1000)).toFixed(3);
console.log(
  JSON.stringify({
    bench: 'l5pc-nmda trials in lockstep vs one at a time',
    lanes,
    durationMs,
    method,
    dt,
    cpuSecondsPerSimulatedSecondPerTrial: { lockstep: perTrial(lockstep), alone: perTrial(alone) },
    ratio: +(lockstep / alone).toFixed(3),
    lanesBitIdentical: `${identical}/${lanes}`,
  }),
);
