import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readManifest, writeMetrics } from '../export/model-files.js';
import { hasCheckpoint, loadCheckpoint } from '../surrogate/checkpoint.js';
import { currentCommand, positiveInt } from './options.js';
import { readTrialFile } from '../surrogate/dataset-files.js';
import { evaluatePredictions } from '../surrogate/metrics.js';
import { predictWithOnnx } from '../surrogate/onnx-evaluate.js';
import { scoredTrials } from '../surrogate/predict.js';

interface EvaluateOpts {
  model: string;
  data: string;
  batch: number;
  json?: boolean;
  writeCard?: boolean;
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
    .option('--write-card', 'store the metrics in manifest.json and card.md')
    .action(async (opts: EvaluateOpts) => {
      if (!existsSync(opts.model)) throw new Error(`model directory ${opts.model} does not exist`);
      const manifest = readManifest(opts.model);
      const { header, trials } = await readTrialFile(opts.data);
      if (header.cell !== manifest.neuron)
        throw new Error(
          `${opts.data} holds '${header.cell}' trials; model ${manifest.id} imitates '${manifest.neuron}'`,
        );
      const preds = await predictWithOnnx(opts.model, manifest, trials, opts.batch);
      const metrics = evaluatePredictions(scoredTrials(trials, preds, header.labelConvention));
      if (opts.writeCard) {
        const state = hasCheckpoint(opts.model) ? loadCheckpoint(opts.model) : undefined;
        writeMetrics(opts.model, state, {
          test: metrics,
          data: opts.data,
          ...(header.commandLine ? { dataCommand: header.commandLine } : {}),
          command: currentCommand(),
        });
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
            `  soma RMSE ${metrics.somaRmse.toFixed(3)} mV  explained variance ${pct(metrics.explainedVariance)}\n`,
        );
      }
    });
}
