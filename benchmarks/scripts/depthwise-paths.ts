/**
 * The depthwise layer's ways of summing against the ring kernel alone, in the same run: a kernel
 * batch of one model with depthwise 'auto', then one with 'ring', each in a process of its own
 * (alternating, `repeats` times), the same slots and the same Poisson inputs, one bin per step and
 * in blocks of bins. Prints neuron-steps/s of both (medians), their ratio, and the largest voltage
 * difference between the two.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchInputs } from '../../src/cli/bench-inputs.js';
import { findModel } from '../../src/cli/bench-inference.js';
import type { BinnedSpikes } from '../../src/core/spikes.js';
import { KernelBatch } from '../../src/inference/kernels/kernel-batch.js';
import type { DepthwisePaths } from '../../src/inference/kernels/depthwise-ring.js';
import { StepModel } from '../../src/inference/step-model.js';
import type { StepInput } from '../../src/inference/stream-batch.js';

const USAGE =
  'usage: node dist/benchmarks/scripts/depthwise-paths.js [--model l5pc-nmda-factored] [--slots 500] [--bins 1,16] [--rounds 10] [--repeats 5] [--json]';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'l5pc-nmda-factored' },
    slots: { type: 'string', default: '500' },
    bins: { type: 'string', default: '1,16' },
    rounds: { type: 'string', default: '10' },
    repeats: { type: 'string', default: '5' },
    child: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const slots = Number(values.slots);
const rounds = Number(values.rounds);
const repeats = Number(values.repeats);
const blocks = values.bins.split(',').map(Number);
if (!Number.isInteger(slots) || slots < 1) throw new RangeError('--slots must be a positive integer');
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds must be a positive integer');
if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError('--repeats must be a positive integer');
for (const T of blocks)
  if (!Number.isInteger(T) || T < 1 || T > 16) throw new RangeError(`--bins: ${T} is not in 1..16`);

/** Bins each batch steps per round, whatever the block. */
const BINS_PER_ROUND = 48;

const entry = findModel(values.model);
const model = await StepModel.load(entry.manifest, entry.stepPath);
const { nExc, nInh } = entry.manifest.inputs;
const totalBins = BINS_PER_ROUND * (rounds + 1);
const patterns = benchInputs(nExc, nInh, totalBins, 64, 1, 2).patterns;

/** The CSR of bins t0 .. t0 + T − 1 of every slot (slot s replays pattern s mod 64). */
function input(t0: number, T: number): StepInput {
  const offsets = new Uint32Array(slots * T + 1);
  const ids: number[] = [];
  for (let s = 0; s < slots; s++) {
    const p: BinnedSpikes = patterns[s % patterns.length];
    for (let t = 0; t < T; t++) {
      offsets[s * T + t] = ids.length;
      const k = t0 + t;
      for (let j = p.excOffsets[k]; j < p.excOffsets[k + 1]; j++) ids.push(p.exc.ids[j]);
      for (let j = p.inhOffsets[k]; j < p.inhOffsets[k + 1]; j++) ids.push(nExc + p.inh.ids[j]);
    }
  }
  offsets[slots * T] = ids.length;
  return { offsets, ids: Uint32Array.from(ids) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One variant, in a process of its own: its neuron-steps/s per round and its last voltages. */
async function measure(paths: DepthwisePaths, T: number): Promise<{ rates: number[]; voltage: number[] }> {
  const batch = new KernelBatch(model, slots, { depthwise: paths });
  for (let s = 0; s < slots; s++) batch.addSlot();
  const steps = Math.floor(BINS_PER_ROUND / T);
  const rates: number[] = [];
  let t0 = 0;
  for (let round = 0; round <= rounds; round++) {
    const inputs = Array.from({ length: steps }, (_, i) => input(t0 + i * T, T));
    t0 += steps * T;
    let seconds = 0;
    for (const x of inputs) {
      const started = performance.now();
      await batch.step(x, null, T);
      seconds += (performance.now() - started) / 1000;
    }
    if (round > 0) rates.push((slots * steps * T) / seconds); // round 0 warms up
  }
  const voltage = Array.from(batch.voltage.subarray(0, slots * T));
  await batch.dispose();
  return { rates, voltage };
}

if (values.child) {
  const [paths, T] = values.child.split(':');
  console.log(JSON.stringify(await measure(paths as DepthwisePaths, Number(T))));
  await model.dispose();
} else {
  await model.dispose();
  compare();
}

function compare(): void {
  const self = fileURLToPath(import.meta.url);
  function child(paths: DepthwisePaths, T: number): { rates: number[]; voltage: number[] } {
    const args = [self, '--child', `${paths}:${T}`, '--model', values.model, '--slots', String(slots)];
    args.push('--rounds', String(rounds));
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    return JSON.parse(out) as { rates: number[]; voltage: number[] };
  }

  interface Row {
    bins: number;
    autoStepsPerSecond: number;
    ringStepsPerSecond: number;
    ratio: number;
    worstVoltageDiffMv: number;
  }
  const rows: Row[] = [];
  for (const T of blocks) {
    const rates = { auto: [] as number[], ring: [] as number[] };
    let worst = 0;
    for (let rep = 0; rep < repeats; rep++) {
      // alternating processes, so that both see the machine in the same state
      const a = child('auto', T);
      const r = child('ring', T);
      rates.auto.push(median(a.rates));
      rates.ring.push(median(r.rates));
      for (let i = 0; i < a.voltage.length; i++)
        worst = Math.max(worst, Math.abs(a.voltage[i] - r.voltage[i]));
    }
    const a = median(rates.auto);
    const r = median(rates.ring);
    rows.push({
      bins: T,
      autoStepsPerSecond: a,
      ringStepsPerSecond: r,
      ratio: a / r,
      worstVoltageDiffMv: worst,
    });
  }

  if (values.json)
    console.log(JSON.stringify({ model: values.model, slots, rounds, repeats, rows }, null, 2));
  else {
    console.log(
      `${values.model}, ${slots} slots, Poisson 2 Hz inputs, medians of ${repeats} alternating processes × ${rounds} rounds`,
    );
    for (const r of rows) {
      console.log(
        `${String(r.bins).padStart(2)} bin(s) per step: depthwise auto ${r.autoStepsPerSecond.toFixed(0)} neuron-steps/s, ` +
          `ring kernel alone ${r.ringStepsPerSecond.toFixed(0)}: ${r.ratio.toFixed(2)}x; largest voltage difference ${r.worstVoltageDiffMv.toExponential(1)} mV`,
      );
    }
  }
}
