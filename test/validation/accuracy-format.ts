import { integrationLabel, substepsPerMs, NEURON_FIXED_STEP } from '../../src/reference/integration.js';
import { pooled, sameSetting, worseThan, type AccuracyRun, type SettingResult } from './accuracy.js';
import type { IntegrationSetting } from '../../src/reference/integration.js';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    r
      .map((s, c) => (c === 0 || c === r.length - 1 ? s.padEnd(widths[c]) : s.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The accuracy table: one row per setting (NEURON's fixed step first), pooled figures against
 * CVode, cost in substeps taken relative to 0.025 ms, and whether the setting agrees with CVode at least
 * as well as the baseline on every figure.
 */
export function formatAccuracy(run: AccuracyRun, defaultSetting: IntegrationSetting): string {
  const base = pooled(run.baseline.tally);
  const baseCost = substepsPerMs(NEURON_FIXED_STEP);
  const row = (r: SettingResult): string[] => {
    const f = pooled(r.tally);
    const worse = r.simulator === 'neuron-fixed' ? [] : worseThan(f, base);
    const name =
      r.simulator === 'neuron-fixed'
        ? `NEURON fixed ${integrationLabel(r.setting)}`
        : `engine ${integrationLabel(r.setting)}${sameSetting(r.setting, defaultSetting) ? ' (default)' : ''}`;
    return [
      name,
      (r.substepsPerMs / baseCost).toFixed(3),
      `${f.matched}/${f.referenceSpikes}`,
      String(f.missing),
      String(f.extra),
      f.meanLag.toFixed(3),
      f.meanAbsLag.toFixed(3),
      f.subthresholdMeanAbsDiff.toFixed(4),
      f.clippedRmse.toFixed(4),
      r.simulator === 'neuron-fixed'
        ? 'baseline'
        : worse.length === 0
          ? 'as good or better'
          : worse.join('; '),
    ];
  };
  const trials = run.trials.map((t) => `${t.cell} seed ${t.seed}: ${t.cvodeSpikes}`).join(', ');
  return [
    `Against NEURON CVode (ground truth) on ${run.trials.length} trials of ${run.trials[0]?.durationMs ?? 0} ms paper inputs; CVode spikes per trial: ${trials}`,
    table(
      [
        'setting',
        'cost',
        'matched ±0.5ms',
        'missing',
        'extra',
        'mean lag ms',
        'mean |lag| ms',
        'sub |ΔV| mV',
        'clipped RMSE mV',
        'vs NEURON fixed BE 0.025',
      ],
      [run.baseline, ...run.settings].map(row),
    ),
  ].join('\n');
}
