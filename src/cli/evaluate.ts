import { relativeCommand } from '../core/command-line.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { measureStepTime } from '../inference/step-timing.js';
import { stepFlops } from '../surrogate/architectures/spec.js';
import type { LayerConfig } from '../surrogate/layers/catalogue.js';
import type { Command } from 'commander';
import { readManifest, writeMetrics } from '../export/model-files.js';
import { hasCheckpoint, loadCheckpoint } from '../surrogate/checkpoint.js';
import { currentCommand, positiveInt } from './options.js';
import { readTrialFile } from '../surrogate/dataset-files.js';
import { evaluatePredictions } from '../surrogate/metrics.js';
import { predictWithOnnx } from '../surrogate/onnx-evaluate.js';
import { scoredTrials } from '../surrogate/predict.js';
import { DEFAULT_REFRACTORY_MS, spikeTiming } from '../surrogate/spike-events.js';

interface EvaluateOpts {
  model: string;
  data: string;
  batch: number;
  json?: boolean;
  writeCard?: boolean;
  learningCurve?: boolean;
  family?: string;
  familyDescription?: string;
  allTrials?: boolean;
  default?: boolean;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      "score a model's sequence.onnx on a test dataset (spec §10: AUC, TPR at 0.1 %/1 % FPR, soma RMSE, explained variance)",
    )
    .requiredOption('--model <dir>', 'model directory (models/<id>)')
    .requiredOption('--data <file>', 'test dataset (HDF5)')
    .option('--batch <n>', 'trials per onnxruntime call', positiveInt('batch'), 8)
    .option('--json', 'print the metrics as JSON')
    .option(
      '--write-card',
      'store the metrics in manifest.json and card.md, with the measured cost of a streamed step',
    )
    .option(
      '--learning-curve',
      "with --write-card: also record the figures as the learning-curve point of the model's present training data",
    )
    .option(
      '--family <name>',
      'with --write-card: the data is an input family outside the training statistics; store its figures under this name (not as the test metrics)',
    )
    .option('--family-description <text>', 'what the --family input is, for the card')
    .option(
      '--default',
      "with --write-card: mark the model as its neuron's default twin (a client may open it by the neuron's name)",
    )
    .option(
      '--all-trials',
      'score every trial, also those with more than 24 spikes (the paper keeps 0–24; strong out-of-distribution input fires more)',
    )
    .action(async (opts: EvaluateOpts) => {
      if (!existsSync(opts.model)) throw new Error(`model directory ${opts.model} does not exist`);
      const manifest = readManifest(opts.model);
      const { header, trials } = await readTrialFile(opts.data);
      if (header.cell !== manifest.neuron)
        throw new Error(
          `${opts.data} holds '${header.cell}' trials; model ${manifest.id} imitates '${manifest.neuron}'`,
        );
      const preds = await predictWithOnnx(opts.model, manifest, trials, opts.batch);
      const metrics = evaluatePredictions(
        scoredTrials(trials, preds, header.labelConvention),
        opts.allTrials ? { maxSpikes: Infinity } : {},
      );
      metrics.spikeTiming = spikeTiming(
        trials.map((t, i) => ({ spikeProb: preds[i].spikeProb, labels: t.spikeLabels })),
        {
          threshold: manifest.spikeThreshold,
          refractoryBins: manifest.spikeEvents?.refractoryMs ?? DEFAULT_REFRACTORY_MS,
        },
      );
      if ((opts.learningCurve || opts.family || opts.default) && !opts.writeCard)
        throw new Error('--learning-curve and --family record figures: give --write-card too');
      if (opts.learningCurve && opts.family)
        throw new Error('--learning-curve needs the test data of the training statistics, not a --family');
      if (opts.writeCard) {
        const state = hasCheckpoint(opts.model) ? loadCheckpoint(opts.model) : undefined;
        const command = currentCommand();
        if (opts.family) {
          writeMetrics(opts.model, state, undefined, {
            outOfDistribution: {
              family: opts.family,
              description: opts.familyDescription ?? header.generatorPreset,
              metrics,
              commands: [header.commandLine, command].filter((c) => c.length > 0),
            },
          });
        } else {
          const active = manifest.training.meanEventsPerMs ?? 0;
          const timing = await measureStepTime(manifest, path.join(opts.model, manifest.files.step), active);
          const spec = {
            arch: manifest.architecture.name,
            params: manifest.architecture.params,
            nInputs: manifest.inputs.nExc + manifest.inputs.nInh,
            layers: (manifest.architecture.params.layers ?? []) as LayerConfig[],
          };
          writeMetrics(
            opts.model,
            state,
            {
              test: metrics,
              data: opts.data,
              ...(header.commandLine ? { dataCommand: relativeCommand(header.commandLine) } : {}),
              command,
            },
            {
              learningCurve: opts.learningCurve,
              default: opts.default,
              stepCost: {
                flops: stepFlops(spec, timing.activeSynapses),
                microseconds: timing.microseconds,
                activeSynapses: timing.activeSynapses,
                stateFloats: timing.stateFloats,
                engine: timing.engine,
                command,
              },
            },
          );
        }
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ model: manifest.id, data: opts.data, tprDefinition: 'highest TPR over thresholds whose FPR <= target', ...metrics })}\n`,
        );
      } else {
        const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
        process.stdout.write(
          `${manifest.id} on ${opts.data}: ${metrics.scoredTrials} trials, ${metrics.scoredBins} bins\n` +
            `  spike AUC ${metrics.spikeAuc.toFixed(4)}  TPR@0.1%FPR ${pct(metrics.tprAtFpr0p1)}  TPR@1%FPR ${pct(metrics.tprAtFpr1)}\n` +
            `  soma RMSE ${metrics.somaRmse.toFixed(3)} mV  explained variance ${pct(metrics.explainedVariance)}\n` +
            `  spike events ±${metrics.spikeTiming.toleranceMs} ms: ${metrics.spikeTiming.predictedSpikes} predicted, ${metrics.spikeTiming.referenceSpikes} reference, precision ${pct(metrics.spikeTiming.precision)}, recall ${pct(metrics.spikeTiming.recall)}\n`,
        );
      }
    });
}
