/**
 * Cell-level figures of the procedural l5pc-nmda without synaptic input (spec §11.2, §11.6):
 * rest, input resistance (−0.1 nA, 1 s), the 3 nA × 2 ms somatic AP and the 2 nA × 2 ms subthreshold pulse.
 * Usage: node dist/benchmarks/scripts/l5pc-figures.js [dt]
 */
import { createL5pc } from '../../src/reference/cells/l5pc.js';

const dt = Number(process.argv[2] ?? 0.025);
const cell = createL5pc('l5pc-nmda', { dt });
const eng = cell.engine;
const run = (ms: number, inj = 0, onStep?: () => void): void => {
  const n = Math.round(ms / dt);
  eng.injection[0] = inj;
  for (let s = 0; s < n; s++) {
    eng.step();
    onStep?.();
  }
  eng.injection[0] = 0;
};
const cpu0 = process.cpuUsage();
for (const [until, label] of [
  [10, '10 ms'],
  [100, '100 ms'],
  [500, '500 ms'],
  [1000, '1 s'],
  [2000, '2 s'],
] as const) {
  run(until - eng.time);
  console.log(`rest ${label}: soma ${eng.v[0].toFixed(3)} mV`);
}
const rest = eng.snapshot();
const vRest = eng.v[0];
let peakDefl = 0;
run(1000, -0.1, () => (peakDefl = Math.min(peakDefl, eng.v[0] - vRest)));
const steady = eng.v[0] - vRest;
console.log(
  `Rin (−0.1 nA, 1 s): steady ${(-steady / 0.1).toFixed(2)} MΩ, peak ${(-peakDefl / 0.1).toFixed(2)} MΩ, sag ${((100 * (peakDefl - steady)) / peakDefl).toFixed(1)} %`,
);
for (const amp of [3, 2]) {
  eng.restore(rest);
  let peak = -Infinity;
  let tPeak = 0;
  const t0 = eng.time;
  run(2, amp, () => {
    if (eng.v[0] > peak) [peak, tPeak] = [eng.v[0], eng.time - t0];
  });
  run(20, 0, () => {
    if (eng.v[0] > peak) [peak, tPeak] = [eng.v[0], eng.time - t0];
  });
  console.log(
    `${amp} nA × 2 ms: soma peak ${peak.toFixed(2)} mV at ${tPeak.toFixed(3)} ms after onset (amplitude ${(peak - vRest).toFixed(1)} mV)`,
  );
}
const cpu = process.cpuUsage(cpu0);
console.log(`cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for ${(3000 + 2 * 22) / 1000} simulated s`);
