/** Rest drift of the procedural l5pc-nmda without input, and the cost of a quiet second (wall and CPU). */
import { createL5pc } from '../../src/reference/cells/l5pc.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/rest.js [gridStepMv=0.01]
Rest drift of the procedural l5pc-nmda without input and the cost of a quiet second, with the rate
tables on a voltage grid of the given step.`;
const step = numberArg('gridStepMv', scriptArgs(USAGE, {}, 1).positionals[0], 0.01, { min: 1e-6 });
const cell = createL5pc('l5pc-nmda', { grid: { vMin: -200, vMax: 200, step } });
const out = { bin: 0, voltage: 0, spike: false };
const none: number[] = [];
const marks = [1, 10, 100, 500, 1000];
const wall0 = performance.now();
const cpu0 = process.cpuUsage();
for (let k = 0; k <= 1000; k++) {
  cell.step(none, none, out);
  if (marks.includes(k))
    console.log(
      `${k} ms: soma ${cell.engine.v[0].toFixed(3)} mV, cai ${cell.engine.cai[0].toExponential(3)} mM`,
    );
}
const cpu = process.cpuUsage(cpu0);
console.log(
  `grid ${step} mV: wall ${((performance.now() - wall0) / 1000).toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s per simulated s`,
);
