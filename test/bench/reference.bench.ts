/**
 * Speed of the compartmental reference: wall (and CPU) seconds per simulated second of the procedural
 * l5pc-nmda under the paper's NMDA input statistics (spec §8), dt 0.025 ms backward Euler by default.
 * Not a test (prints figures, asserts nothing). Run after `npm run build`:
 *   node dist/test/bench/reference.bench.js [durationMs=2000] [seed=1] [dt=0.025] [method=backward-euler]
 */
import { PatternGenerator } from '../../src/inputs/paper-pattern.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { createL5pc } from '../../src/reference/cells/l5pc.js';
import type { BinOutput } from '../../src/core/neuron.js';
import type { IntegrationMethod } from '../../src/reference/cable/engine.js';

const durationMs = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);
const dt = Number(process.argv[4] ?? 0.025);
const method = (process.argv[5] ?? 'backward-euler') as IntegrationMethod;

const pattern = new PatternGenerator(cellInfo('l5pc-nmda').defaultInputs(), durationMs).generate(seed);
const cell = createL5pc('l5pc-nmda', { dt, method });
const out: BinOutput = { bin: 0, voltage: 0, spike: false };
const { exc, inh, excOffsets, inhOffsets } = pattern;

const wall0 = performance.now();
const cpu0 = process.cpuUsage();
let clipped = 0;
let scored = 0;
for (let k = 0; k < durationMs; k++) {
  const e = exc.ids.subarray(excOffsets[k], excOffsets[k + 1]);
  const i = inh.ids.subarray(inhOffsets[k], inhOffsets[k + 1]);
  if (cell.step(e, i, out) && out.bin >= 500) {
    clipped += Math.min(out.voltage, -55);
    scored++;
  }
}
const wall = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
const simSeconds = durationMs / 1000;
console.log(
  JSON.stringify({
    bench: 'reference l5pc-nmda, paper NMDA inputs',
    dt,
    method,
    durationMs,
    seed,
    inputSpikes: { exc: exc.ids.length, inh: inh.ids.length },
    outputSpikes: cell.spikeTimes().length,
    meanClippedSomaMv: scored > 0 ? +(clipped / scored).toFixed(2) : null,
    wallSecondsPerSimulatedSecond: +(wall / simSeconds).toFixed(3),
    cpuSecondsPerSimulatedSecond: +((cpu.user + cpu.system) / 1e6 / simSeconds).toFixed(3),
  }),
);
