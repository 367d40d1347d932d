import type { ModelManifest } from '../core/manifest.js';
import type { CheckpointState } from '../surrogate/checkpoint.js';

const NEURONS: Record<string, string> = {
  if: "the paper's discrete-time leaky integrate-and-fire neuron (80 excitatory, 20 inhibitory synapses; spec §7)",
  'l5pc-nmda': 'the layer-5 pyramidal cell with AMPA+NMDA synapses (spec §2–§5)',
  'l5pc-ampa': 'the layer-5 pyramidal cell with AMPA-only synapses (spec §2–§5)',
};

/** The model card: what it imitates, how it is built and trained, how to reproduce it, how well it does. */
export function renderCard(m: ModelManifest, state?: CheckpointState, thresholdNote?: string): string {
  const lines: string[] = [];
  lines.push(`# ${m.id}`, '');
  lines.push(`Surrogate of ${NEURONS[m.neuron] ?? `the '${m.neuron}' neuron`}.`, '');
  lines.push(m.description, '');
  lines.push('## Architecture', '');
  lines.push(
    `- \`${m.architecture.name}\`, ${m.architecture.parameterCount.toLocaleString('en-US')} parameters, receptive field ${m.receptiveField} ms`,
  );
  const layers = (m.architecture.params.layers ?? []) as {
    kernel: number;
    filters: number;
    activation: string;
  }[];
  layers.forEach((l, i) =>
    lines.push(`- causal conv ${i}: kernel ${l.kernel} ms, ${l.filters} unit(s), ${l.activation}`),
  );
  lines.push(
    '- heads: spike probability = sigmoid(affine(hidden)), voltage = affine(hidden) in mV (spikes clipped)',
  );
  lines.push(
    `- inputs: ${m.inputs.nExc} excitatory + ${m.inputs.nInh} inhibitory channels (${m.inputs.order})`,
  );
  lines.push(
    `- streaming spike flag: spike_prob >= ${m.spikeThreshold}${thresholdNote ? ` (${thresholdNote})` : ''}`,
    '',
  );
  lines.push('## Training', '');
  lines.push(`- training data: \`${m.training.data}\`; validation data: \`${m.training.valid}\``);
  lines.push(
    `- data seeds: ${JSON.stringify(m.training.dataSeeds)}; training seed ${m.training.seed}; backend ${m.training.backend}`,
  );
  if (state) {
    const c = state.config;
    lines.push(
      `- Adam lr ${c.lr}, batch ${c.batch} windows of ${c.windowBins} bins (+${m.receptiveField - 1} history), ${c.stepsPerEpoch} steps/epoch, loss = ${c.lossWeights.spike}·BCE + ${c.lossWeights.voltage}·MSE(normalised voltage)`,
    );
    lines.push(
      `- ${state.epoch} epochs run, best validation loss ${state.bestValid.toFixed(5)} at epoch ${state.bestEpoch} (patience ${c.patience})`,
    );
    lines.push(
      `- voltage target: (clipped soma − ${state.voltageTarget.offset.toFixed(3)} mV) / ${state.voltageTarget.scale.toFixed(3)} mV, folded back to mV in the exported graphs`,
    );
  } else {
    lines.push(`- ${m.training.epochs} epochs`);
  }
  lines.push(
    '',
    '## Reproduce',
    '',
    '```sh',
    ...m.training.commands,
    ...(m.metrics?.dataCommand ? [m.metrics.dataCommand] : []),
    ...(m.metrics ? [m.metrics.command] : []),
    '```',
    '',
  );
  lines.push('## Test metrics', '');
  if (m.metrics) {
    const t = m.metrics.test;
    lines.push(
      `On \`${m.metrics.data}\`: ${t.scoredTrials} trials with 0–24 spikes, ${t.scoredBins.toLocaleString('en-US')} bins ≥ 500 ms (spec §10). TPR at x % FPR = the highest TPR over thresholds whose FPR ≤ x %.`,
      '',
    );
    lines.push(
      '| Spike AUC | TPR @ 0.1 % FPR | TPR @ 1 % FPR | Soma RMSE (mV) | Explained variance |',
      '|---|---|---|---|---|',
    );
    lines.push(
      `| ${t.spikeAuc.toFixed(4)} | ${t.tprAtFpr0p1.toFixed(4)} | ${t.tprAtFpr1.toFixed(4)} | ${t.somaRmse.toFixed(3)} | ${(100 * t.explainedVariance).toFixed(1)} % |`,
    );
  } else {
    lines.push('Not measured yet: run `neurotwin evaluate --model <dir> --data TEST.h5 --write-card`.');
  }
  lines.push(
    '',
    '## Files',
    '',
    `- \`${m.files.sequence}\`: [batch, time, inputs] → spike_prob, voltage [batch, time]`,
  );
  lines.push(
    `- \`${m.files.step}\`: one millisecond [batch, inputs] + state (${m.step.inputs.map((s) => `${s.name} [${s.shape.join(', ')}]`).join('; ') || 'none'}) → outputs + next state; initial state zeros`,
  );
  return `${lines.join('\n')}\n`;
}
