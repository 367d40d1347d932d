/**
 * One simulated trial written to a file, the format chosen by extension: `.h5`/`.hdf5` a one-trial
 * neurotwin dataset (README, "Datasets"), anything else JSON (layout in the README, "Single-trial JSON").
 * Both are written under a temporary name and renamed.
 */
import { isDrawn } from '../core/input-record.js';
import { extname } from 'node:path';
import type { PatternGeneratorConfig } from '../inputs/paper-pattern.js';
import type { LabelConvention } from '../core/conventions.js';
import { writeDataset } from './hdf5.js';
import { spikesAsPairs, INPUTS_FORMAT } from './input-file.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { Trial } from './trial.js';

export interface TrialFileMeta {
  cell: string;
  labelConvention: LabelConvention;
  /** compartmental cells: 'procedural' or the morphology file */
  morphology?: string;
  /** compartmental cells: the integrator the trial was simulated with */
  integration?: { method: string; dt: number; spikeDt?: number };
  /** generator configuration of generated inputs; null for given inputs */
  inputs: PatternGeneratorConfig | null;
  /** where given inputs came from */
  inputSource?: string;
  commandLine?: string;
}

export function isHdf5Path(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === '.h5' || ext === '.hdf5';
}

export async function writeTrialFile(path: string, trial: Trial, meta: TrialFileMeta): Promise<void> {
  if (isHdf5Path(path)) {
    const D = trial.dendriticVoltage ? trial.dendriticVoltage.length / trial.durationMs : 0;
    await writeDataset(
      path,
      {
        cell: meta.cell,
        nExc: trial.nExc,
        nInh: trial.nInh,
        durationMs: trial.durationMs,
        labelConvention: meta.labelConvention,
        generatorPreset: meta.inputs?.preset ?? trial.generator.preset,
        generatorConfig: meta.inputs ?? { source: meta.inputSource ?? '' },
        groups: generatorGroups(trial, meta),
        baseSeed: trial.seed,
        commandLine: meta.commandLine ?? '',
        morphology: meta.morphology,
        ...(meta.integration ? integrationFields(meta.integration) : {}),
        dendriticCompartments: D,
      },
      [trial],
    );
    return;
  }
  writeFileAtomic(path, JSON.stringify(trialJson(trial, meta)));
}

/** The single-trial JSON document; its exc/inh/durationMs/seed make it a valid input file too. */
export function trialJson(trial: Trial, meta: TrialFileMeta): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    format: INPUTS_FORMAT,
    cell: meta.cell,
    ...(meta.morphology !== undefined ? { morphology: meta.morphology } : {}),
    ...(meta.integration ? integrationFields(meta.integration) : {}),
    labelConvention: meta.labelConvention,
    seed: trial.seed,
    durationMs: trial.durationMs,
    nExc: trial.nExc,
    nInh: trial.nInh,
    inputSource: meta.inputSource ?? 'generated',
    generator: trial.generator,
    somaVoltage: Array.from(trial.somaVoltage),
    spikeTimes: Array.from(trial.spikeTimes),
    spikeLabelBins: labelledBins(trial.spikeLabels),
    exc: spikesAsPairs(trial.exc),
    inh: spikesAsPairs(trial.inh),
  };
  if (trial.dendriticVoltage) {
    const T = trial.durationMs;
    const D = trial.dendriticVoltage.length / T;
    doc.dendriticVoltage = Array.from({ length: T }, (_, t) =>
      Array.from(trial.dendriticVoltage!.subarray(t * D, (t + 1) * D)),
    );
  }
  return doc;
}

/**
 * Column names of the count tables: the generator's groups; for given inputs those of the dataset
 * they came from, or one placeholder column (HDF5 chunks need a non-zero width; no rows are written).
 */
function generatorGroups(trial: Trial, meta: TrialFileMeta): string[] {
  if (meta.inputs) return meta.inputs.groups.map((g) => g.name);
  if (isDrawn(trial.generator) && trial.generator.groups.length > 0) return trial.generator.groups;
  return ['given'];
}

function labelledBins(labels: Uint8Array): number[] {
  const bins: number[] = [];
  for (let k = 0; k < labels.length; k++) if (labels[k]) bins.push(k);
  return bins;
}

/** The header fields of a trial's integration. */
function integrationFields(i: { method: string; dt: number; spikeDt?: number }): {
  integrationMethod: string;
  dtMs: number;
  spikeDtMs?: number;
} {
  return {
    integrationMethod: i.method,
    dtMs: i.dt,
    ...(i.spikeDt !== undefined ? { spikeDtMs: i.spikeDt } : {}),
  };
}
