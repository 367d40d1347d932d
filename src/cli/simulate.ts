import { isDrawn } from '../core/input-record.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { cellInfo } from '../reference/cells/registry.js';
import { integrationLabel, resolveIntegration, type IntegrationSetting } from '../reference/integration.js';
import {
  addIntegrationFlags,
  anyIntegrationFlag,
  givenIntegration,
  type IntegrationFlags,
} from './integration-flags.js';
import { TrialRunner } from '../dataset/simulate-trial.js';
import { readInputFile } from '../dataset/input-file.js';
import { writeTrialFile } from '../dataset/trial-file.js';
import type { Trial } from '../dataset/trial.js';
import { currentCommand, parseInteger } from './options.js';

export interface SimulateFlags extends IntegrationFlags {
  cell: string;
  morphology?: string;
  inputs?: string;
  trial?: number;
  duration?: number;
  seed: number;
  dendrites?: boolean;
  json?: boolean;
  quiet?: boolean;
  out?: string;
}

const DEFAULT_DURATION_MS = 6000;

export interface SimulateSummary {
  cell: string;
  morphology?: string;
  /** integrator of a compartmental cell */
  integration?: IntegrationSetting;
  /** 'generated' or the input file (with #trial for a dataset) */
  inputs: string;
  seed: number;
  durationMs: number;
  outputSpikes: number;
  firingRateHz: number;
  inputSpikes: { exc: number; inh: number };
  generator?: { holdMs: unknown; sigmaMs: unknown };
  /** building the cell and reading the inputs, s */
  setupSeconds: number;
  /** the simulation itself, s */
  wallSeconds: number;
  wallSecondsPerSimulatedSecond: number;
  out?: string;
}

/**
 * `neurotwin simulate`: one trial of a reference cell (on its default or a given morphology), on
 * inputs drawn from the cell's paper statistics or read from a file; prints a summary and optionally
 * writes the soma voltage, spike times (and dendritic voltages) as JSON or HDF5.
 */
export function registerSimulate(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('simulate one trial of a reference cell on generated or given input spikes')
    .option('--cell <cell>', 'reference cell (if, l5pc-nmda, l5pc-ampa)', 'if')
    .option(
      '--morphology <file>',
      'morphology of a compartmental cell (.swc or .asc; default: procedural L5PC)',
    )
    .option('--inputs <file>', 'input spikes: JSON {"exc": [[id, ms], ...], "inh": [...]} or an HDF5 dataset')
    .option('--trial <i>', 'trial of an HDF5 --inputs dataset (default 0)', parseInteger('trial', 0))
    .option(
      '--duration <ms>',
      `trial length in ms (default ${DEFAULT_DURATION_MS}, or the input file's)`,
      parseInteger('duration', 1, 10_000_000),
    )
    .option('--seed <n>', 'seed of the input pattern (0..4294967295)', parseInteger('seed', 0, 0xffffffff), 1)
    .option('--dendrites', 'also record every dendritic compartment (written with --out)');
  addIntegrationFlags(cmd, 'a compartmental cell')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar')
    .option('--out <file>', 'write the trial: .h5/.hdf5 as a one-trial dataset, otherwise JSON')
    .action(async (flags: SimulateFlags) => {
      const bar = flags.quiet || flags.json || process.stderr.isTTY !== true ? null : progressBar();
      let summary: SimulateSummary;
      try {
        summary = await simulateCommand(flags, currentCommand(), bar?.onProgress);
      } finally {
        bar?.stop();
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`${describe(summary)}\n`);
    });
}

/** A bar on stderr with the simulated ms and an ETA, started at a trial's first progress report. */
function progressBar(): { onProgress: (doneMs: number, totalMs: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'simulate [{bar}] {value}/{total} ms | {percentage}% | ETA {eta_formatted}',
      etaBuffer: 20,
      // the simulation holds the event loop: redraw from update() rather than from a timer
      synchronousUpdate: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export async function simulateCommand(
  flags: SimulateFlags,
  commandLine = '',
  onProgress?: (doneMs: number, totalMs: number) => void,
): Promise<SimulateSummary> {
  const info = cellInfo(flags.cell); // unknown cell → error listing the known ones
  const neuronOptions: Record<string, unknown> = {};
  let morphology: string | undefined;
  if (flags.morphology !== undefined) {
    if (!info.compartmental)
      throw new Error(`cell '${flags.cell}' is a point neuron and takes no --morphology`);
    if (!existsSync(flags.morphology)) throw new Error(`morphology file ${flags.morphology} does not exist`);
    morphology = resolve(flags.morphology);
    neuronOptions.morphologyFile = morphology;
  } else if (info.compartmental) morphology = 'procedural';
  if (flags.dendrites && !info.compartmental) {
    throw new Error(
      `cell '${flags.cell}' has no dendrites to record (--dendrites needs a compartmental cell)`,
    );
  }
  if (flags.trial !== undefined && flags.inputs === undefined) throw new Error('--trial needs --inputs');
  let integration: IntegrationSetting | undefined;
  if (info.compartmental) {
    integration = resolveIntegration(givenIntegration(flags));
    neuronOptions.method = integration.method;
    neuronOptions.dt = integration.dt;
    if (integration.spikeDt !== undefined) neuronOptions.spikeDt = integration.spikeDt;
  } else if (anyIntegrationFlag(flags)) {
    throw new Error(
      `cell '${flags.cell}' is a point neuron: --method, --dt and --spike-dt apply to compartmental cells`,
    );
  }

  const start = performance.now();
  // the paper statistics on this morphology (also tells the synapse counts given inputs must fit)
  const config = info.defaultInputs(neuronOptions);
  // progress only where a trial takes long enough to watch
  const options = {
    inputs: config,
    neuronOptions,
    recordDendrites: flags.dendrites,
    onProgress: info.compartmental ? onProgress : undefined,
  };
  let trial: Trial;
  let setupSeconds: number;
  let wallSeconds: number;
  if (flags.inputs !== undefined) {
    const file = await readInputFile(flags.inputs, {
      nExc: config.nExc,
      nInh: config.nInh,
      durationMs: flags.duration,
      trial: flags.trial,
    });
    const runner = new TrialRunner(flags.cell, file.durationMs, options);
    const ready = performance.now();
    setupSeconds = (ready - start) / 1000;
    trial = runner.runGiven(file.given);
    wallSeconds = (performance.now() - ready) / 1000;
  } else {
    const runner = new TrialRunner(flags.cell, flags.duration ?? DEFAULT_DURATION_MS, options);
    const ready = performance.now();
    setupSeconds = (ready - start) / 1000;
    trial = runner.run(flags.seed);
    wallSeconds = (performance.now() - ready) / 1000;
  }
  const source = flags.inputs === undefined ? 'generated' : inputSource(flags.inputs, flags.trial);
  if (flags.out) {
    await writeTrialFile(flags.out, trial, {
      cell: flags.cell,
      labelConvention: info.labelConvention,
      morphology,
      integration,
      inputs: flags.inputs === undefined ? config : null,
      inputSource: source,
      commandLine,
    });
  }
  const seconds = trial.durationMs / 1000;
  return {
    cell: flags.cell,
    ...(morphology !== undefined ? { morphology } : {}),
    ...(integration ? { integration } : {}),
    inputs: source,
    seed: trial.seed,
    durationMs: trial.durationMs,
    outputSpikes: trial.spikeTimes.length,
    firingRateHz: trial.spikeTimes.length / seconds,
    inputSpikes: { exc: trial.exc.times.length, inh: trial.inh.times.length },
    ...(isDrawn(trial.generator)
      ? { generator: { holdMs: trial.generator.holdMs, sigmaMs: trial.generator.sigmaMs } }
      : {}),
    setupSeconds,
    wallSeconds,
    wallSecondsPerSimulatedSecond: wallSeconds / seconds,
    ...(flags.out ? { out: flags.out } : {}),
  };
}

function inputSource(path: string, trial: number | undefined): string {
  return trial === undefined ? path : `${path}#${trial}`;
}

function describe(s: SimulateSummary): string {
  return (
    `${s.cell}${s.morphology ? ` (${s.morphology})` : ''}${s.integration ? `, ${integrationLabel(s.integration)} ms` : ''}, ${s.inputs} inputs, seed ${s.seed}, ${s.durationMs} ms: ` +
    `${s.outputSpikes} output spikes (${s.firingRateHz.toFixed(2)} Hz), inputs ${s.inputSpikes.exc} exc / ${s.inputSpikes.inh} inh, ` +
    `${s.wallSeconds.toFixed(3)} s (${s.wallSecondsPerSimulatedSecond.toFixed(3)} s per simulated s)` +
    `${s.out ? `, written to ${s.out}` : ''}`
  );
}
