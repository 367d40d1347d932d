/**
 * Same cell, same protocol, both simulators: the procedural l5pc-nmda under the paper's NMDA input
 * (events from the pattern generator) for durationMs, dt 0.025 ms backward Euler, soma recorded at
 * 1 ms. Prints each side's wall seconds per simulated second (integration only) and the soma RMSE.
 * Usage: node dist/benchmarks/scripts/engine-vs-neuron-speed.js [durationMs=1000] [seed=1]
 */
import { PatternGenerator } from '../../src/inputs/paper-pattern.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { describeNamedCell } from '../../src/reference/cells/describe.js';
import { runProtocol } from '../../src/reference/cells/run-protocol.js';
import type { ProtocolDescription } from '../../src/reference/neuron-oracle/exchange-format.js';
import { runNeuron } from '../../src/reference/neuron-oracle/oracle.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/engine-vs-neuron-speed.js [durationMs=1000] [seed=1]
The procedural l5pc-nmda on the paper's NMDA inputs in our engine and in NEURON (BE, dt 0.025 ms):
wall seconds per simulated second of each, and the soma RMSE between them.`;
const [durationText, seedText] = scriptArgs(USAGE, {}, 2).positionals;
const durationMs = numberArg('durationMs', durationText, 1000, { min: 1, integer: true });
const seed = numberArg('seed', seedText, 1, { min: 0, integer: true });
const pattern = new PatternGenerator(cellInfo('l5pc-nmda').defaultInputs(), durationMs).generate(seed);
const pairs = (s: { times: Int32Array; ids: Int32Array }): [number, number][] =>
  Array.from(s.ids, (id, q) => [id, s.times[q]] as [number, number]);
const protocol: ProtocolDescription = {
  dt: 0.025,
  tstop: durationMs,
  method: 'backward-euler',
  events: { exc: pairs(pattern.exc), inh: pairs(pattern.inh) },
  iclamps: [],
  record: [{ name: 'soma', section: 0, x: 0.5 }],
  recordEvery: 1,
};
const cell = describeNamedCell('l5pc-nmda');
const ours = runProtocol(cell, protocol);
const nrn = await runNeuron(cell, protocol);
let se = 0;
for (let k = 0; k < ours.traces.soma.length; k++) se += (ours.traces.soma[k] - nrn.traces.soma[k]) ** 2;
console.log(
  JSON.stringify({
    durationMs,
    engineWallSecondsPerSimulatedSecond: +(ours.wallSeconds / (durationMs / 1000)).toFixed(3),
    neuronWallSecondsPerSimulatedSecond: +(nrn.wallSeconds / (durationMs / 1000)).toFixed(3),
    somaRmseMv: +Math.sqrt(se / ours.traces.soma.length).toFixed(4),
  }),
);
