import { relativeCommand } from '../core/command-line.js';
import type { Command } from 'commander';
import { exportModel } from '../export/model-files.js';
import { architectureNames } from '../surrogate/architectures/registry.js';
import { foldVoltageTarget } from '../surrogate/architectures/spec.js';
import { type BackendName, selectBackend } from '../surrogate/backend.js';
import { currentCommand, nonNegativeInt, positiveInt, positiveNumber } from './options.js';
import {
  meanEventsPerMs,
  readTrialFile,
  readTrialFiles,
  simulatedHours,
} from '../surrogate/dataset-files.js';
import { predictTrials } from '../surrogate/predict.js';
import { calibrateThreshold } from '../surrogate/spike-events.js';
import { trainSurrogate } from '../surrogate/train.js';
import { prepareTrials } from '../surrogate/windows.js';

interface TrainOpts {
  arch: string;
  archParams: string;
  data: string[];
  valid: string;
  out: string;
  epochs: number;
  stepsPerEpoch: number;
  batch: number;
  window: number;
  validWindows: number;
  lr: number;
  patience: number;
  weightDecay: number;
  lrDropPatience: number;
  newDataLr?: number;
  seed: number;
  spikeWeight: number;
  voltageWeight: number;
  backend?: BackendName;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train a surrogate on a dataset (tfjs), then export sequence/step ONNX graphs, manifest and card',
    )
    .requiredOption('--arch <name>', `architecture (${architectureNames().join(', ')})`)
    .option(
      '--arch-params <json>',
      'architecture options as JSON, e.g. \'{"kernels":[54,17,17],"width":64}\'',
      '{}',
    )
    .requiredOption(
      '--data <file>',
      'training dataset (HDF5); repeat the option or separate files by commas to train on several',
      collectFiles,
    )
    .requiredOption('--valid <file>', 'validation dataset (HDF5)')
    .requiredOption('--out <dir>', 'model directory, e.g. models/if-paper (resumes from its checkpoint)')
    .option('--epochs <n>', 'maximum epochs', positiveInt('epochs'), 40)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', positiveInt('steps-per-epoch'), 200)
    .option('--batch <n>', 'windows per step', positiveInt('batch'), 32)
    .option(
      '--window <n>',
      'output bins per training window (plus receptive-field history)',
      positiveInt('window'),
      400,
    )
    .option('--valid-windows <n>', 'fixed validation windows', positiveInt('valid-windows'), 256)
    .option('--lr <x>', 'Adam learning rate', positiveNumber('lr'), 0.003)
    .option(
      '--weight-decay <x>',
      'decoupled weight decay per step (w ← w − lr·x·w; biases exempt)',
      positiveNumber('weight-decay', true),
      0,
    )
    .option(
      '--lr-drop-patience <n>',
      'epochs without improvement before going back to the best weights at half the learning rate (0: never)',
      nonNegativeInt('lr-drop-patience'),
      0,
    )
    .option(
      '--new-data-lr <x>',
      'resuming with more training data: continue at this learning rate (default: where the earlier drops left it)',
      positiveNumber('new-data-lr'),
    )
    .option(
      '--patience <n>',
      'epochs without validation improvement before stopping',
      positiveInt('patience'),
      6,
    )
    .option('--seed <n>', 'seed of initial weights and window draws', nonNegativeInt('seed'), 1)
    .option('--spike-weight <x>', 'weight of the spike BCE loss', positiveNumber('spike-weight', true), 1)
    .option(
      '--voltage-weight <x>',
      'weight of the (normalised) voltage MSE loss',
      positiveNumber('voltage-weight', true),
      0.1,
    )
    .option('--backend <name>', 'force a tfjs backend: tensorflow | wasm | cpu')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts: TrainOpts) => {
      let archParams: Record<string, unknown>;
      try {
        archParams = JSON.parse(opts.archParams) as Record<string, unknown>;
      } catch {
        throw new Error(`--arch-params is not valid JSON: ${opts.archParams}`);
      }
      const log = (l: string): void => void process.stderr.write(`${l}\n`);
      const backend = await selectBackend(opts.backend, log);
      const command = currentCommand();
      const trainSet = await readTrialFiles(opts.data);
      const dataName = opts.data.join(',');
      const validSet = await readTrialFile(opts.valid);
      const { trials: train, header } = trainSet;
      const valid = validSet.trials;
      if (
        validSet.header.cell !== header.cell ||
        validSet.header.labelConvention !== header.labelConvention
      ) {
        throw new Error(
          `${opts.valid} holds '${validSet.header.cell}' data, ${dataName} holds '${header.cell}'`,
        );
      }
      log(
        `data: ${train.length} '${header.cell}' training trials, ${simulatedHours(train).toFixed(3)} simulated hours (${dataName}), ${valid.length} validation trials (${opts.valid})`,
      );
      const neuron = header.cell;
      const convention = header.labelConvention;
      const res = await trainSurrogate({
        config: {
          arch: opts.arch,
          archParams,
          neuron,
          convention,
          epochs: opts.epochs,
          stepsPerEpoch: opts.stepsPerEpoch,
          batch: opts.batch,
          windowBins: opts.window,
          validWindows: opts.validWindows,
          lr: opts.lr,
          patience: opts.patience,
          ...(opts.weightDecay > 0 ? { weightDecay: opts.weightDecay } : {}),
          ...(opts.lrDropPatience > 0 ? { lrDropPatience: opts.lrDropPatience } : {}),
          seed: opts.seed,
          lossWeights: { spike: opts.spikeWeight, voltage: opts.voltageWeight },
          data: dataName,
          valid: opts.valid,
        },
        train,
        valid,
        outDir: opts.out,
        backend,
        command,
        ...(opts.newDataLr !== undefined ? { newDataLr: opts.newDataLr } : {}),
        dataCommands: [...trainSet.headers, validSet.header]
          .map((h) => relativeCommand(h.commandLine))
          .filter((c) => c.length > 0),
        dataInfo: {
          trials: train.length,
          simulatedHours: simulatedHours(train),
          meanEventsPerMs: meanEventsPerMs(train),
          integrationMethod: header.integrationMethod,
          dtMs: header.dtMs,
          ...(header.spikeDtMs !== undefined ? { spikeDtMs: header.spikeDtMs } : {}),
          morphology: header.morphology,
        },
        dataSeeds: {
          ...Object.fromEntries(
            trainSet.headers.map((h, i) => [
              trainSet.headers.length > 1 ? `train${i + 1}` : 'train',
              h.baseSeed,
            ]),
          ),
          valid: validSet.header.baseSeed,
        },
        log,
      });
      // streamed spike events: threshold calibrated so that the predicted count on the validation
      // trials equals the reference's
      const weights = foldVoltageTarget(res.best, res.voltageTarget);
      const preds = predictTrials(res.spec, weights, prepareTrials(valid, convention, res.voltageTarget));
      const calibration = calibrateThreshold(
        valid.map((t, i) => ({ spikeProb: preds[i].spikeProb, labels: t.spikeLabels })),
      );
      const spikeThreshold = calibration.threshold;
      const thresholdNote = `${calibration.predicted} predicted vs ${calibration.reference} reference spikes on the validation trials`;
      const manifest = exportModel({ outDir: opts.out, state: res.state, spikeThreshold, thresholdNote });
      const summary = {
        model: opts.out,
        arch: res.spec.arch,
        parameterCount: manifest.architecture.parameterCount,
        epochs: res.history.length,
        bestEpoch: res.bestEpoch,
        bestValidLoss: res.bestValid,
        stepsPerSecond: res.history.length
          ? res.history.reduce((a, h) => a + h.stepsPerSecond, 0) / res.history.length
          : null,
        spikeThreshold,
        backend,
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        log(
          `exported ${opts.out}: best epoch ${res.bestEpoch}, valid loss ${res.bestValid.toFixed(5)}, spike threshold ${spikeThreshold.toPrecision(4)}`,
        );
    });
}

/** commander collector: repeated --data options and comma-separated lists both add files. */
function collectFiles(value: string, previous: string[] | undefined): string[] {
  const files = value.split(',').filter((f) => f.length > 0);
  if (files.length === 0) throw new Error('--data needs a file name');
  return [...(previous ?? []), ...files];
}
