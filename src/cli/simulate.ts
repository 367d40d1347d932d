import type { Command } from 'commander';
import { cellInfo } from '../reference/cells/registry.js';
import { TrialRunner } from '../dataset/simulate-trial.js';
import { writeFileAtomic } from '../dataset/trial-part.js';
import { parseInteger } from './options.js';

interface SimulateFlags {
  cell: string;
  duration: number;
  seed: number;
  json?: boolean;
  out?: string;
}

/** `neurotwin simulate`: one trial of a reference cell under its paper input statistics. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('simulate one trial of a reference cell driven by the paper input statistics')
    .option('--cell <cell>', 'reference cell', 'if')
    .option('--duration <ms>', 'trial length in ms', parseInteger('duration', 1, 10_000_000), 6000)
    .option('--seed <n>', 'seed of the input pattern (0..4294967295)', parseInteger('seed', 0, 0xffffffff), 1)
    .option('--json', 'print the summary as JSON')
    .option('--out <file>', 'write the soma voltage and spike times as JSON')
    .action((flags: SimulateFlags) => {
      cellInfo(flags.cell); // unknown cell → error listing the known ones
      const start = performance.now();
      const trial = new TrialRunner(flags.cell, flags.duration).run(flags.seed);
      const wallSeconds = (performance.now() - start) / 1000;
      const summary = {
        cell: flags.cell,
        seed: flags.seed,
        durationMs: flags.duration,
        outputSpikes: trial.spikeTimes.length,
        firingRateHz: trial.spikeTimes.length / (flags.duration / 1000),
        inputSpikes: { exc: trial.exc.times.length, inh: trial.inh.times.length },
        generator: { holdMs: trial.generator.holdMs, sigmaMs: trial.generator.sigmaMs },
        wallSeconds,
      };
      if (flags.out) {
        writeFileAtomic(
          flags.out,
          JSON.stringify({
            cell: flags.cell,
            seed: flags.seed,
            durationMs: flags.duration,
            somaVoltageMv: Array.from(trial.somaVoltage),
            spikeTimesMs: Array.from(trial.spikeTimes),
          }),
        );
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          `${summary.cell}, seed ${summary.seed}, ${summary.durationMs} ms: ${summary.outputSpikes} output spikes ` +
            `(${summary.firingRateHz.toFixed(2)} Hz), inputs ${summary.inputSpikes.exc} exc / ${summary.inputSpikes.inh} inh, ` +
            `${wallSeconds.toFixed(3)} s${flags.out ? `, written to ${flags.out}` : ''}\n`,
        );
      }
    });
}
