/**
 * Behaviour of the detailed L5PC for the README (spec §11.2–§11.4, §11.6), printed as tables:
 * rest, input resistance, the back-propagating AP, BAC firing and the output rate under the paper's
 * NMDA input statistics. Runs on the procedural cell, or on a morphology file with --morphology.
 *
 *   node dist/benchmarks/scripts/l5pc-figures.js [--morphology FILE] [--dt 0.025] [--rest-ms 2000]
 *        [--rate-budget 600] [--rate-trials 1000] [--rate-duration 6000] [--workers 2] [--no-rate]
 */
import { cpus } from 'node:os';
import { createL5pc } from '../../src/reference/cells/l5pc.js';
import { buildProceduralL5pc } from '../../src/reference/morphology/procedural-l5pc.js';
import { readMorphologyFile } from '../../src/reference/morphology/read.js';
import {
  backPropagatingAp,
  bacFiring,
  inputResistance,
  settleToRest,
  type BacCondition,
} from './figures/cell-protocols.js';
import { measureOutputRate } from './figures/output-rate.js';
import { apicalSiteAt } from './figures/recording-sites.js';
import { fail, scriptArgs } from './script-args.js';

const USAGE = `Usage: node dist/benchmarks/scripts/l5pc-figures.js [--morphology FILE] [--dt 0.025] [--rest-ms 2000]
       [--rate-budget 600] [--rate-trials 1000] [--rate-duration 6000] [--workers 2] [--no-rate]
Behaviour of the detailed L5PC as tables: rest, input resistance, back-propagating AP, BAC firing,
output rate under the paper's NMDA inputs.`;
const { values: args } = scriptArgs(USAGE, {
  morphology: { type: 'string' },
  dt: { type: 'string', default: '0.025' },
  'rest-ms': { type: 'string', default: '2000' },
  'rate-budget': { type: 'string', default: '600' },
  'rate-trials': { type: 'string', default: '1000' },
  'rate-duration': { type: 'string', default: '6000' },
  workers: { type: 'string', default: String(Math.min(2, cpus().length)) },
  'no-rate': { type: 'boolean', default: false },
});

function positive(name: string, text: string | undefined): number {
  const x = Number(text);
  if (!(x > 0) || !Number.isFinite(x)) fail(`--${name} must be a positive number, got '${text}'`);
  return x;
}

const dt = positive('dt', args.dt);
const restMs = positive('rest-ms', args['rest-ms']);
const morphology = args.morphology ? readMorphologyFile(args.morphology) : buildProceduralL5pc();
const cell = createL5pc('l5pc-nmda', { dt, morphology });
const eng = cell.engine;
const tree = eng.model.tree;
const f = (x: number, d = 2): string => x.toFixed(d);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

out(`# l5pc-nmda figures — morphology: ${args.morphology ?? 'procedural (spec §2.5)'}`);
out(
  `dt ${dt} ms, backward Euler; ${tree.nNodes} nodes (${tree.nBasal} basal + ${tree.nApical} apical compartments)`,
);

const DISTANCES = [200, 400, 620, 800];
const sites = DISTANCES.map((d) => apicalSiteAt(morphology, tree, d));
out('\n## Recording sites (apical location at the path distance with the largest diameter)');
for (const s of sites)
  out(`${String(s.distance).padStart(4)} µm: ${s.sectionName} x=${f(s.x, 3)}, diameter ${f(s.diameter)} µm`);

const cpu0 = process.cpuUsage();
const rest = settleToRest(eng, restMs, [0.5, 10, 100, 500, 1000], sites);
out('\n## Rest (no input, from v_init = −76 mV)');
out(rest.soma.map(([t, v]) => `${t} ms: ${f(v)} mV`).join(', '));
out(
  `resting soma potential (${restMs} ms): ${f(rest.soma[rest.soma.length - 1][1])} mV; soma [Ca]i ${rest.somaCai.toExponential(2)} mM`,
);
out(`rest at ${sites.map((s, k) => `${s.distance} µm ${f(rest.sites[k])}`).join(', ')} mV`);

out('\n## Input resistance at the soma (1-s step from rest)');
for (const amp of [-0.1, 0.1]) {
  const r = inputResistance(eng, rest.state, amp, 1000);
  out(
    `${amp > 0 ? '+' : '−'}0.1 nA: steady ${f(r.steady)} MΩ (${f(r.steadyDeflection)} mV), peak ${f(r.peak)} MΩ (${f(r.peakDeflection)} mV), sag ${f(r.sagPercent, 1)} % of the peak deflection`,
  );
}

out('\n## Back-propagating AP (3 nA × 2 ms somatic pulse)');
const bap = backPropagatingAp(eng, rest.state, sites);
out(
  `soma: ${bap.somaSpikes.length} spike(s) at ${bap.somaSpikes.map((t) => f(t, 3)).join(', ')} ms; peak ${f(bap.somaPeak)} mV, amplitude ${f(bap.somaPeak - rest.soma[rest.soma.length - 1][1], 1)} mV from rest`,
);
out('site     amplitude above local rest   delay after somatic peak');
sites.forEach((s, k) =>
  out(
    `${String(s.distance).padStart(4)} µm  ${f(bap.sites[k].amplitude, 1).padStart(8)} mV ${' '.repeat(17)}${f(bap.sites[k].delay, 2).padStart(6)} ms`,
  ),
);
const sub = backPropagatingAp(eng, rest.state, sites, 2, 2);
out(`2 nA × 2 ms: ${sub.somaSpikes.length} spike(s), soma peak ${f(sub.somaPeak)} mV`);

out('\n## BAC firing (soma 1.9 nA × 5 ms at t0; EPSC-shaped current at 620 µm from t0 + 5 ms)');
const conditions: BacCondition[] = [
  { name: 'soma pulse only', somaAmp: 1.9, dendAmp: 0 },
  { name: 'dendritic current only, 0.5 nA', somaAmp: 0, dendAmp: 0.5 },
  { name: 'both (BAC)', somaAmp: 1.9, dendAmp: 0.5 },
  { name: 'dendritic current only, 1.0 nA', somaAmp: 0, dendAmp: 1.0 },
  { name: 'dendritic current only, 1.5 nA', somaAmp: 0, dendAmp: 1.5 },
];
out(
  'condition                        somatic APs (ms after t0)     620 µm peak  800 µm peak  620 µm > −40 mV',
);
for (const c of conditions) {
  const r = bacFiring(eng, rest.state, sites[2], sites[3], c);
  const aps = `${r.somaSpikes.length} (${r.somaSpikes.map((t) => f(t, 1)).join(', ')})`;
  out(
    `${c.name.padEnd(32)} ${aps.padEnd(29)} ${f(r.peak620, 1).padStart(8)} mV ${f(r.peak800, 1).padStart(8)} mV ${f(r.above40At620, 1).padStart(8)} ms`,
  );
}
const cpu = process.cpuUsage(cpu0);
out(`\n(cell protocols: ${f((cpu.user + cpu.system) / 1e6, 1)} CPU s)`);

if (!args['no-rate']) {
  const durationMs = positive('rate-duration', args['rate-duration']);
  const workers = Math.round(positive('workers', args.workers));
  const budget = positive('rate-budget', args['rate-budget']);
  out(
    `\n## Output rate under the paper's NMDA input statistics (${durationMs / 1000}-s trials, seeds 1, 2, ...; ${workers} worker threads, ${budget} s budget)`,
  );
  const rate = await measureOutputRate({
    cell: 'l5pc-nmda',
    morphology: args.morphology,
    durationMs,
    workers,
    budgetSeconds: budget,
    maxTrials: Math.round(positive('rate-trials', args['rate-trials'])),
    onTrial: (r) => process.stderr.write(`trial seed ${r.seed}: ${r.spikes} spikes (${f(r.seconds, 1)} s)\n`),
  });
  out(`per-trial spike counts (seed order): ${rate.trials.map((t) => t.spikes).join(' ')}`);
  out(
    `output rate ${f(rate.meanHz)} ± ${f(rate.semHz)} Hz (mean ± s.e., ${rate.trials.length} trials, ${rate.totalSpikes} spikes; median ${rate.medianSpikes} spikes per trial)`,
  );
  out(
    `mean soma potential for t ≥ 500 ms: raw ${f(rate.meanSoma)} mV, clipped at −55 mV ${f(rate.meanClippedSoma)} mV`,
  );
  out(`(${f(rate.wallSeconds, 0)} s wall)`);
}
