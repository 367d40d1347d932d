import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelManifest } from '../core/manifest.js';
import {
  type NetworkSpec,
  foldVoltageTarget,
  parameterCount,
  receptiveField,
} from '../surrogate/architectures/spec.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { CheckpointState } from '../surrogate/checkpoint.js';
import { DEFAULT_REFRACTORY_MS } from '../surrogate/spike-events.js';
import { LEARNING_CURVE_FILE, learningCurveSvg, renderCard } from './card.js';
import { buildSequenceGraph, buildStepGraph, stepStateSpecs } from './surrogate-graphs.js';

export interface ExportOptions {
  /** model directory (models/<id>) */
  outDir: string;
  state: CheckpointState;
  /** spike flag threshold on spike_prob for streaming */
  spikeThreshold: number;
  /** how the spike threshold was chosen (for the card) */
  thresholdNote?: string;
  description?: string;
  /** measured test metrics, if any; otherwise those of an existing manifest are kept */
  metrics?: ModelManifest['metrics'];
  /** the command that produced this export, appended to the recorded commands */
  command?: string;
}

export const FILES = {
  sequence: 'sequence.onnx',
  step: 'step.onnx',
  card: 'card.md',
  manifest: 'manifest.json',
} as const;

/** Writes sequence.onnx, step.onnx, manifest.json and card.md of a trained checkpoint (best weights). */
export function exportModel(opts: ExportOptions): ModelManifest {
  const { state, outDir } = opts;
  const id = path.basename(path.resolve(outDir));
  const weights = foldVoltageTarget(state.best, state.voltageTarget);
  const doc = `${id}: surrogate of '${state.config.neuron}' (${state.spec.arch})`;
  const previous = readManifestIfAny(outDir);
  const commands = [...state.commands];
  if (opts.command && !commands.includes(opts.command)) commands.push(opts.command);
  const manifest: ModelManifest = {
    id,
    neuron: state.config.neuron,
    description: opts.description ?? previous?.description ?? describe(state.spec, state.config.neuron),
    architecture: {
      name: state.spec.arch,
      params: { ...state.spec.params, layers: state.spec.layers, voltageTarget: state.voltageTarget },
      parameterCount: parameterCount(state.spec),
    },
    inputs: {
      nExc: state.nExc,
      nInh: state.spec.nInputs - state.nExc,
      order: 'excitatory synapse ids 0..nExc-1, then inhibitory ids 0..nInh-1',
    },
    outputs: {
      spikeProb: 'spike_prob: probability of a spike label in the bin (label convention of the neuron)',
      voltage: 'voltage: soma voltage with spikes clipped (mV)',
    },
    receptiveField: receptiveField(state.spec),
    spikeThreshold: opts.spikeThreshold,
    spikeEvents: {
      refractoryMs: DEFAULT_REFRACTORY_MS,
      rule: 'an event where spike_prob crosses spikeThreshold upwards, at least refractoryMs after the previous event',
      calibration: opts.thresholdNote ?? previous?.spikeEvents?.calibration ?? 'given',
    },
    step: { input: 'active', ...stepStateSpecs(state.spec) },
    files: { sequence: FILES.sequence, step: FILES.step, card: FILES.card },
    training: {
      data: state.config.data,
      valid: state.config.valid,
      seed: state.config.seed,
      epochs: state.epoch,
      backend: state.backend,
      commands,
      dataSeeds: state.dataSeeds,
      ...(state.dataInfo ?? {}),
      wallSeconds: state.history.reduce((a, h) => a + h.seconds, 0),
    },
    metrics: opts.metrics ?? previous?.metrics,
    ...(previous?.learningCurve ? { learningCurve: previous.learningCurve } : {}),
    ...(previous?.stepCost ? { stepCost: previous.stepCost } : {}),
    ...(previous?.outOfDistribution ? { outOfDistribution: previous.outOfDistribution } : {}),
    ...(previous?.default !== undefined ? { default: previous.default } : {}),
    createdAt: new Date().toISOString(),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(path.join(outDir, FILES.sequence), buildSequenceGraph(state.spec, weights, doc));
  writeFileAtomic(path.join(outDir, FILES.step), buildStepGraph(state.spec, weights, doc));
  writeFileAtomic(path.join(outDir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileAtomic(path.join(outDir, FILES.card), renderCard(manifest, state, opts.thresholdNote));
  return manifest;
}

/** What `evaluate --write-card` adds besides the test figures. */
export interface MetricsExtras {
  stepCost?: NonNullable<ModelManifest['stepCost']>;
  /** record the figures as the learning-curve point of the model's present amount of training data */
  learningCurve?: boolean;
  /** figures on an input family outside the training statistics (replaces that family's entry) */
  outOfDistribution?: NonNullable<ModelManifest['outOfDistribution']>[number];
  /** mark the model as its neuron's default twin */
  default?: boolean;
}

/** Updates the measured figures of an exported model (manifest + card + learning-curve plot). */
export function writeMetrics(
  outDir: string,
  state: CheckpointState | undefined,
  metrics: NonNullable<ModelManifest['metrics']> | undefined,
  extras: MetricsExtras = {},
): ModelManifest {
  const manifest = readManifest(outDir);
  if (metrics) manifest.metrics = metrics;
  if (extras.stepCost) manifest.stepCost = extras.stepCost;
  if (extras.default) manifest.default = true;
  if (extras.learningCurve && metrics && manifest.training.simulatedHours !== undefined) {
    const point = {
      simulatedHours: manifest.training.simulatedHours,
      trainTrials: manifest.training.trials ?? 0,
      epochs: manifest.training.epochs,
      spikeAuc: metrics.test.spikeAuc,
      somaRmse: metrics.test.somaRmse,
      data: metrics.data,
    };
    const others = (manifest.learningCurve ?? []).filter(
      (p) => Math.abs(p.simulatedHours - point.simulatedHours) > 1e-9,
    );
    manifest.learningCurve = [...others, point].sort((a, b) => a.simulatedHours - b.simulatedHours);
  }
  if (extras.outOfDistribution) {
    const ood = extras.outOfDistribution;
    manifest.outOfDistribution = [
      ...(manifest.outOfDistribution ?? []).filter((o) => o.family !== ood.family),
      ood,
    ];
  }
  writeFileAtomic(path.join(outDir, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileAtomic(path.join(outDir, FILES.card), renderCard(manifest, state));
  if (manifest.learningCurve && manifest.learningCurve.length > 0)
    writeFileAtomic(path.join(outDir, LEARNING_CURVE_FILE), learningCurveSvg(manifest));
  return manifest;
}

export function readManifest(modelDir: string): ModelManifest {
  const file = path.join(modelDir, FILES.manifest);
  if (!existsSync(file)) throw new Error(`no ${FILES.manifest} in ${modelDir}`);
  return JSON.parse(readFileSync(file, 'utf8')) as ModelManifest;
}

function readManifestIfAny(modelDir: string): ModelManifest | undefined {
  return existsSync(path.join(modelDir, FILES.manifest)) ? readManifest(modelDir) : undefined;
}

function describe(spec: NetworkSpec, neuron: string): string {
  return `${spec.arch} surrogate of the '${neuron}' neuron: ${spec.layers.length} layer(s), receptive field ${receptiveField(spec)} ms`;
}
