/**
 * Input-generation and trial-simulation speed, and the I&F output rate under the paper inputs.
 * Prints, per preset, the mean wall time of one input pattern (6 s trial) and, for the I&F, the
 * mean time of a full trial (inputs + neuron) and the output rate over `trials` trials.
 * Usage: node dist/benchmarks/scripts/dataset-generation-speed.js [trials=100]
 */
import { PatternGenerator } from '../../src/inputs/paper-pattern.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { TrialRunner } from '../../src/dataset/simulate-trial.js';
import { trialSeed } from '../../src/dataset/seeds.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/dataset-generation-speed.js [trials=100]
Input-pattern and trial-simulation speed per preset, and the I&F output rate over the trials.`;
const trials = numberArg('trials', scriptArgs(USAGE, {}, 1).positionals[0], 100, { min: 1, integer: true });
const T = 6000;

for (const cell of ['if', 'l5pc-nmda']) {
  const config = cellInfo(cell).defaultInputs();
  const gen = new PatternGenerator(config, T);
  gen.generate(trialSeed(1, 0)); // warm-up (JIT, FFT tables)
  const n = cell === 'if' ? trials : Math.min(trials, 20);
  let exc = 0;
  let inh = 0;
  const start = performance.now();
  for (let i = 1; i <= n; i++) {
    const p = gen.generate(trialSeed(1, i));
    exc += p.exc.times.length;
    inh += p.inh.times.length;
  }
  const ms = (performance.now() - start) / n;
  console.log(
    `${config.preset}: ${ms.toFixed(1)} ms per 6-s input pattern (${n} patterns; mean ${(exc / n).toFixed(0)} exc, ${(inh / n).toFixed(0)} inh spikes)`,
  );
}

const runner = new TrialRunner('if', T);
runner.run(trialSeed(2, 0));
let spikes = 0;
const start = performance.now();
for (let i = 0; i < trials; i++) spikes += runner.run(trialSeed(2, i)).spikeTimes.length;
const ms = (performance.now() - start) / trials;
console.log(
  `if: ${ms.toFixed(1)} ms per 6-s trial (inputs + neuron); output rate ${(spikes / (trials * 6)).toFixed(3)} Hz over ${trials} trials`,
);
