import type { ModelManifest, ModelMetrics } from '../core/manifest.js';
import { type NetworkSpec, layerInputs, stepFlops } from '../surrogate/architectures/spec.js';
import type { CheckpointState } from '../surrogate/checkpoint.js';
import { kindOf, type LayerConfig } from '../surrogate/layers/catalogue.js';

const NEURONS: Record<string, string> = {
  if: "the paper's discrete-time leaky integrate-and-fire neuron (80 excitatory, 20 inhibitory synapses)",
  'l5pc-nmda': 'the detailed layer-5 pyramidal cell with AMPA+NMDA synapses (639 + 639 synapses)',
  'l5pc-ampa': 'the detailed layer-5 pyramidal cell with AMPA-only excitatory synapses (639 + 639 synapses)',
};

export const LEARNING_CURVE_FILE = 'learning-curve.svg';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The model card: what it imitates, how it is built and trained, how to reproduce it, how well it does. */
export function renderCard(m: ModelManifest, state?: CheckpointState, thresholdNote?: string): string {
  const lines: string[] = [];
  lines.push(`# ${m.id}`, '');
  lines.push(`Twin of ${NEURONS[m.neuron] ?? `the '${m.neuron}' neuron`}.`, '');
  lines.push(m.description, '');

  lines.push('## Architecture', '');
  const spec = specOf(m);
  lines.push(
    `- \`${m.architecture.name}\`, ${m.architecture.parameterCount.toLocaleString('en-US')} parameters, receptive field ${m.receptiveField} ms`,
  );
  const inputs = layerInputs(spec);
  spec.layers.forEach((l, i) => lines.push(`- layer ${i}: ${kindOf(l).describe(l, inputs[i])}`));
  lines.push(
    '- heads: spike probability = sigmoid(affine(hidden)), voltage = affine(hidden) in mV (spikes clipped)',
  );
  lines.push(
    `- inputs: ${m.inputs.nExc} excitatory + ${m.inputs.nInh} inhibitory channels (${m.inputs.order})`,
  );
  const active = m.training.meanEventsPerMs;
  if (active !== undefined)
    lines.push(
      `- streaming cost: ${Math.round(stepFlops(spec, active)).toLocaleString('en-US')} FLOPs per ms at the training data's ${active.toFixed(1)} input spikes per ms`,
    );
  if (m.stepCost)
    lines.push(
      `- measured: ${m.stepCost.microseconds.toFixed(1)} µs per streamed step of one neuron (${m.stepCost.activeSynapses} synapses spiking per ms, ${m.stepCost.engine === 'kernels' ? 'resident kernels' : 'step graph in onnxruntime'}, \`${m.stepCost.command}\`); state ${m.stepCost.stateFloats.toLocaleString('en-US')} floats (${((4 * m.stepCost.stateFloats) / 1024).toFixed(1)} KiB) per neuron`,
    );
  const events = m.spikeEvents;
  lines.push(
    `- streamed spikes: one event where spike_prob crosses ${m.spikeThreshold.toPrecision(4)} upwards${events ? `, at least ${events.refractoryMs} ms after the previous one` : ''} (threshold calibrated so that the predicted spike count equals the reference's: ${thresholdNote ?? events?.calibration ?? 'not recorded'})`,
    '',
  );

  lines.push('## Training', '');
  lines.push(`- training data: \`${m.training.data}\`; validation data: \`${m.training.valid}\``);
  if (m.training.simulatedHours !== undefined)
    lines.push(
      `- ${m.training.trials ?? '?'} training trials, ${m.training.simulatedHours.toFixed(3)} simulated hours${m.training.integrationMethod ? `, simulated with ${m.training.integrationMethod} at dt ${m.training.dtMs} ms${m.training.spikeDtMs !== undefined ? ` (${m.training.spikeDtMs} ms around spikes)` : ''} on the ${m.training.morphology ?? 'default'} morphology` : ''}`,
    );
  lines.push(
    `- data seeds: ${JSON.stringify(m.training.dataSeeds)}; training seed ${m.training.seed}; tfjs backend ${m.training.backend}${m.training.wallSeconds !== undefined ? `; ${(m.training.wallSeconds / 3600).toFixed(2)} h of training wall time` : ''}`,
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
    ...(m.outOfDistribution ?? []).flatMap((o) => o.commands ?? []),
    '```',
    '',
  );

  lines.push('## Test metrics', '');
  if (m.metrics) {
    const t = m.metrics.test;
    lines.push(
      `On \`${m.metrics.data}\`: ${t.scoredTrials} trials with 0–24 spikes, ${t.scoredBins.toLocaleString('en-US')} bins ≥ 500 ms. TPR at x % FPR = the highest TPR over thresholds whose FPR ≤ x %; RMSE and explained variance on the soma voltage with spikes clipped at −55 mV, after matching the prediction's mean and variance.`,
      '',
    );
    lines.push(...metricsTable([['test', t]]));
    if (t.spikeTiming) {
      const s = t.spikeTiming;
      lines.push(
        '',
        `Spike events (all test trials, bins ≥ 500 ms): ${s.predictedSpikes} predicted, ${s.referenceSpikes} in the reference; within ±${s.toleranceMs} ms precision ${pct(s.precision)}, recall ${pct(s.recall)}.`,
      );
    }
  } else {
    lines.push('Not measured yet: run `neurotwin evaluate --model <dir> --data TEST.h5 --write-card`.');
  }
  if (m.learningCurve && m.learningCurve.length > 0) {
    lines.push('', '## Learning curve', '');
    lines.push(
      'Test figures of the model after training on the first n simulated hours of its data (each point warm-started from the previous one), recorded by `evaluate --write-card`:',
      '',
      `![learning curve](${LEARNING_CURVE_FILE})`,
      '',
      '| simulated hours | training trials | epochs | spike AUC | soma RMSE (mV) |',
      '|---|---|---|---|---|',
    );
    for (const p of m.learningCurve)
      lines.push(
        `| ${p.simulatedHours.toFixed(3)} | ${p.trainTrials} | ${p.epochs} | ${p.spikeAuc.toFixed(4)} | ${p.somaRmse.toFixed(3)} |`,
      );
  }
  if (m.outOfDistribution && m.outOfDistribution.length > 0) {
    lines.push('', '## Outside the training statistics', '');
    lines.push(...metricsTable(m.outOfDistribution.map((o) => [`${o.family}: ${o.description}`, o.metrics])));
  }
  lines.push(
    '',
    '## Files',
    '',
    `- \`${m.files.sequence}\`: [batch, time, inputs] → spike_prob, voltage [batch, time], from rest`,
  );
  lines.push(
    `- \`${m.files.step}\`: one millisecond (${m.step.input === 'active' ? "'active': int64 [batch, slots], the ids of the spiking synapses padded with nExc + nInh" : "'input': [batch, inputs] 0/1"}) + state (${m.step.inputs.map((s) => `${s.name} [${s.shape.join(', ')}]`).join('; ') || 'none'}) → outputs + next state; initial state zeros`,
  );
  return `${lines.join('\n')}\n`;
}

function metricsTable(rows: [string, ModelMetrics][]): string[] {
  const out = [
    '| data | spike AUC | TPR @ 0.1 % FPR | TPR @ 1 % FPR | soma RMSE (mV) | explained variance | spike precision / recall (±2 ms) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [name, t] of rows) {
    const timing = t.spikeTiming ? `${pct(t.spikeTiming.precision)} / ${pct(t.spikeTiming.recall)}` : '–';
    out.push(
      `| ${name} | ${t.spikeAuc.toFixed(4)} | ${pct(t.tprAtFpr0p1)} | ${pct(t.tprAtFpr1)} | ${t.somaRmse.toFixed(3)} | ${pct(t.explainedVariance)} | ${timing} |`,
    );
  }
  return out;
}

function specOf(m: ModelManifest): NetworkSpec {
  return {
    arch: m.architecture.name,
    params: m.architecture.params,
    nInputs: m.inputs.nExc + m.inputs.nInh,
    layers: (m.architecture.params.layers ?? []) as LayerConfig[],
  };
}

/** Spike AUC and soma RMSE against simulated hours of training data, as a small SVG. */
export function learningCurveSvg(m: ModelManifest): string {
  const pts = m.learningCurve ?? [];
  const W = 520;
  const H = 240;
  const pad = { l: 56, r: 56, t: 28, b: 40 };
  const xs = pts.map((p) => p.simulatedHours);
  const xMax = Math.max(...xs) * 1.1 || 1;
  const aucs = pts.map((p) => p.spikeAuc);
  const rmses = pts.map((p) => p.somaRmse);
  const aLo = Math.min(...aucs, 0.99) - 0.005;
  const aHi = Math.max(...aucs, 1);
  const rHi = Math.max(...rmses) * 1.2;
  const x = (h: number): number => pad.l + (h / xMax) * (W - pad.l - pad.r);
  const yA = (a: number): number => pad.t + (1 - (a - aLo) / (aHi - aLo)) * (H - pad.t - pad.b);
  const yR = (r: number): number => pad.t + (1 - r / rHi) * (H - pad.t - pad.b);
  const path = (ys: number[], f: (v: number) => number): string =>
    pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.simulatedHours).toFixed(1)},${f(ys[i]).toFixed(1)}`).join(' ');
  const dots = (ys: number[], f: (v: number) => number, color: string): string =>
    pts
      .map(
        (p, i) =>
          `<circle cx="${x(p.simulatedHours).toFixed(1)}" cy="${f(ys[i]).toFixed(1)}" r="3" fill="${color}"/>`,
      )
      .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${m.id}: test figures against training data</text>`,
    `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="black"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#1f77b4"/>`,
    `<line x1="${W - pad.r}" y1="${pad.t}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#d62728"/>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">simulated hours of training data (max ${xMax.toFixed(2)})</text>`,
    `<text x="${pad.l - 6}" y="${yA(aHi) + 4}" text-anchor="end" fill="#1f77b4">${aHi.toFixed(3)}</text>`,
    `<text x="${pad.l - 6}" y="${yA(aLo) + 4}" text-anchor="end" fill="#1f77b4">${aLo.toFixed(3)}</text>`,
    `<text x="${pad.l - 6}" y="${pad.t - 8}" text-anchor="end" fill="#1f77b4">spike AUC</text>`,
    `<text x="${W - pad.r + 6}" y="${yR(rHi) + 4}" fill="#d62728">${rHi.toFixed(2)}</text>`,
    `<text x="${W - pad.r + 6}" y="${yR(0) + 4}" fill="#d62728">0</text>`,
    `<text x="${W - pad.r + 6}" y="${pad.t - 8}" fill="#d62728">RMSE, mV</text>`,
    `<path d="${path(aucs, yA)}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
    dots(aucs, yA, '#1f77b4'),
    `<path d="${path(rmses, yR)}" fill="none" stroke="#d62728" stroke-width="2"/>`,
    dots(rmses, yR, '#d62728'),
    '</svg>',
    '',
  ].join('\n');
}
