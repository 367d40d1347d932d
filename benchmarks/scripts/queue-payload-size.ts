/**
 * Size of what one queued trial sends back through Redis (the part-file encoding): an L5PC trial
 * of the paper's inputs, with and without the dendritic voltages. Simulates one trial.
 * Usage: node dist/benchmarks/scripts/queue-payload-size.js [durationMs=6000] [seed=1]
 */
import { TrialRunner } from '../../src/dataset/simulate-trial.js';
import { encodeTrial } from '../../src/dataset/trial-part.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/queue-payload-size.js [durationMs=6000] [seed=1]
Size of what one queued L5PC trial sends back through Redis, with and without dendritic voltages.`;
const [durationText, seedText] = scriptArgs(USAGE, {}, 2).positionals;
const durationMs = numberArg('durationMs', durationText, 6000, { min: 1, integer: true });
const seed = numberArg('seed', seedText, 1, { min: 0, integer: true });
const runner = new TrialRunner('l5pc-nmda', durationMs, { recordDendrites: true });
const trial = runner.run(seed);
const withDendrites = encodeTrial(trial).length;
delete trial.dendriticVoltage;
const plain = encodeTrial(trial).length;
process.stdout.write(
  `${JSON.stringify({
    cell: 'l5pc-nmda',
    durationMs,
    seed,
    excSpikes: trial.exc.ids.length,
    inhSpikes: trial.inh.ids.length,
    dendriticCompartments: runner.nDendrites,
    resultBytes: plain,
    resultBytesWithDendrites: withDendrites,
  })}\n`,
);
