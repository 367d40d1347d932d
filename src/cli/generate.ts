import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  generateDataset,
  partsDirOf,
  validateGenerateOptions,
  type GenerateOptions,
} from '../dataset/generate.js';
import { currentCommand, parseInteger } from './options.js';
import { addIntegrationFlags, givenIntegration, type IntegrationFlags } from './integration-flags.js';
import { progressLines } from './progress-lines.js';

interface GenerateFlags extends IntegrationFlags {
  cell: string;
  trials: number;
  duration: number;
  seed: number;
  out: string;
  workers?: number;
  lanes?: number;
  morphology?: string;
  dendrites?: boolean;
  inputsFamily?: string;
  queue?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `neurotwin generate`: a dataset of N trials on worker threads, written as HDF5 (resumable). */
export function registerGenerate(program: Command): void {
  const cmd = program
    .command('generate')
    .description('generate a dataset of trials in parallel and write it as HDF5 (an interrupted run resumes)')
    .option('--cell <cell>', 'reference cell', 'if')
    .requiredOption('--trials <n>', 'number of trials', parseInteger('trials', 1))
    .option('--duration <ms>', 'trial length in ms', parseInteger('duration', 1, 10_000_000), 6000)
    .option(
      '--seed <n>',
      'base seed (0..4294967295); trial i uses a seed derived from it and i',
      parseInteger('seed', 0, 0xffffffff),
      0,
    )
    .requiredOption('--out <file>', 'output HDF5 file')
    .option(
      '--morphology <file>',
      'morphology of a compartmental cell (.swc or .asc; default: procedural L5PC)',
    );
  addIntegrationFlags(cmd, 'a compartmental cell')
    .option(
      '--inputs-family <name>',
      'input statistics: paper (default), no-inhibition, poisson-<Hz>, fast-modulation, only-<group> (e.g. only-apical)',
    )
    .option('--dendrites', 'also store every dendritic compartment per bin (/outputs/dendritic_voltage)')
    .option(
      '--workers <k>',
      'worker threads (default: all cores; 0 = main thread)',
      parseInteger('workers', 0, 1024),
    )
    .option(
      '--lanes <k>',
      'trials a worker steps together in lockstep, 1 or 2 (default: 2 for a compartmental cell; same data either way)',
      parseInteger('lanes', 1, 2),
    )
    .option(
      '--queue <url>',
      'put the trials on a BullMQ queue in Redis (redis://HOST:PORT) for `neurotwin worker` processes',
    )
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress bar')
    .action(async (flags: GenerateFlags) => {
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      const showBar = !flags.quiet && !flags.json && process.stderr.isTTY === true;
      const bar = showBar
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: 'generate [{bar}] {value}/{total} trials | {percentage}% | ETA {eta_formatted}',
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
      const lines =
        !showBar && !flags.quiet && !flags.json
          ? progressLines((line) => process.stderr.write(`${line}\n`), 'generate: trials')
          : null;
      const options: GenerateOptions = {
        cell: flags.cell,
        trials: flags.trials,
        durationMs: flags.duration,
        baseSeed: flags.seed,
        out: flags.out,
        workers: flags.workers,
        lanes: flags.lanes,
        morphology: flags.morphology,
        dendrites: flags.dendrites,
        integration: givenIntegration(flags),
        family: flags.inputsFamily,
        queue: flags.queue,
        commandLine: currentCommand(),
        signal: controller.signal,
        onLog: flags.quiet
          ? undefined
          : (line) => {
              process.stderr.write(`${bar?.isActive ? '\n' : ''}${line}\n`);
            },
        onProgress: (done, total) => {
          lines?.(done, total);
          if (!bar) return;
          if (bar.getTotal() !== total) bar.start(total, done);
          else bar.update(done);
        },
      };
      validateGenerateOptions(options);
      try {
        const result = await generateDataset(options);
        bar?.stop();
        if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          process.stdout.write(
            `wrote ${result.trials} trials to ${result.out} (${result.computed} simulated, ${result.resumed} resumed) ` +
              `in ${result.wallSeconds.toFixed(1)} s on ${result.workers} workers, ${result.meanTrialSeconds.toFixed(3)} s per trial\n`,
          );
        }
      } catch (err) {
        bar?.stop();
        if (err instanceof Error && err.name === 'AbortError') {
          throw new Error(
            `interrupted; finished trials are kept in ${partsDirOf(flags.out)}, rerun the same command to resume`,
          );
        }
        throw err;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
