import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FILES, exportModel, readManifest } from '../export/model-files.js';
import { checkpointPath, hasCheckpoint, loadCheckpoint } from '../surrogate/checkpoint.js';
import { currentCommand } from './options.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      "rebuild a model's sequence.onnx, step.onnx, manifest.json and card.md from its training checkpoint " +
        '(written by `neurotwin train` into <dir>/checkpoint/; the shipped models/ carry no checkpoint, so ' +
        'export works on models you trained, not on the shipped ones)',
    )
    .requiredOption('--model <dir>', 'model directory holding checkpoint/')
    .option(
      '--spike-threshold <p>',
      'streamed spike flag threshold (default: keep the manifest value, else 0.5)',
    )
    .action((opts: { model: string; spikeThreshold?: string }) => {
      if (!hasCheckpoint(opts.model)) {
        throw new Error(
          `${opts.model} has no training checkpoint (${checkpointPath(opts.model)}); export rebuilds a model trained here with 'neurotwin train' — the shipped models come without one`,
        );
      }
      const state = loadCheckpoint(opts.model);
      const previous = existsSync(path.join(opts.model, FILES.manifest))
        ? readManifest(opts.model)
        : undefined;
      let spikeThreshold = previous?.spikeThreshold ?? 0.5;
      if (opts.spikeThreshold !== undefined) {
        spikeThreshold = Number(opts.spikeThreshold);
        if (!(spikeThreshold >= 0 && spikeThreshold <= 1))
          throw new Error(`--spike-threshold must be in [0, 1], got '${opts.spikeThreshold}'`);
      }
      const m = exportModel({ outDir: opts.model, state, spikeThreshold, command: currentCommand() });
      process.stderr.write(
        `exported ${opts.model}: ${m.architecture.name}, ${m.architecture.parameterCount} parameters, best epoch ${state.bestEpoch}\n`,
      );
    });
}
