/**
 * Data-generation throughput of the detailed L5PC: simulated hours of training data per wall hour,
 * measured by running the real dataset generator (worker threads on every core, input generation,
 * part files and the HDF5 file) on `trials` trials of `duration` ms into a temporary folder: first
 * one trial at a time per worker (`oneLane`), then two trials in lockstep per worker (the generator's
 * default, the top-level figures), then, as the baseline of the same run, two in lockstep at the
 * earlier dataset default, fixed-step Crank–Nicolson 0.05 ms (`baseline`). Prints one JSON object;
 * asserts nothing.
 *
 * The defaults are the shape of a real dataset: trials of the generator's default length (6 s) and
 * two rounds of lockstep pairs on every worker, so that the workers' start-up (module loading, the
 * cell's rate tables) and the HDF5 file weigh on the figure as little as they do in a long run, not
 * as much as in a run of four 2-s trials (where they are about a third of the wall time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset } from '../../src/dataset/generate.js';
import {
  integrationLabel,
  resolveIntegration,
  type GivenIntegration,
} from '../../src/reference/integration.js';

/** The dataset default before spike-adaptive substeps: the baseline of the same run. */
const EARLIER_DEFAULT: GivenIntegration = { method: 'crank-nicolson', dt: 0.05, spikeDt: null };

const USAGE = `usage: node dist/benchmarks/scripts/l5pc-throughput.js [--cell l5pc-nmda] [--trials 4×workers]
       [--duration 6000] [--workers cores] [--method backward-euler|crank-nicolson] [--dt ms]
       [--spike-dt ms|off] [--no-baseline]
(method, dt and spike dt: the dataset generator's defaults unless given)`;

interface Throughput {
  workers: number;
  wallSeconds: number;
  meanTrialSeconds: number;
  simulatedHoursPerWallHour: number;
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`--${name} must be a positive integer, got '${text}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cell: { type: 'string', default: 'l5pc-nmda' },
      trials: { type: 'string' },
      duration: { type: 'string' },
      workers: { type: 'string' },
      method: { type: 'string' },
      dt: { type: 'string' },
      'spike-dt': { type: 'string' },
      'no-baseline': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const cores = cpus().length;
  const workers = positiveInt('workers', values.workers, cores);
  // two lockstep pairs per worker
  const trials = positiveInt('trials', values.trials, 4 * workers);
  const durationMs = positiveInt('duration', values.duration, 6000);
  const dt = values.dt === undefined ? undefined : Number(values.dt);
  if (dt !== undefined && !(dt > 0))
    throw new RangeError(`--dt must be a positive number, got '${values.dt}'`);
  const spikeText = values['spike-dt'];
  const spikeDt = spikeText === undefined ? undefined : spikeText === 'off' ? null : Number(spikeText);
  const given: GivenIntegration = { method: values.method, dt, spikeDt };
  const integration = resolveIntegration(given);
  const dir = mkdtempSync(join(tmpdir(), 'neurotwin-throughput-'));
  const simulatedSeconds = (trials * durationMs) / 1000;
  const measure = async (lanes: number, setting: GivenIntegration): Promise<Throughput> => {
    const result = await generateDataset({
      cell: values.cell,
      trials,
      durationMs,
      baseSeed: 1,
      out: join(dir, `throughput-${lanes}.h5`),
      workers,
      lanes,
      integration: setting,
    });
    return {
      workers: result.workers,
      wallSeconds: +result.wallSeconds.toFixed(2),
      meanTrialSeconds: +result.meanTrialSeconds.toFixed(2),
      /** simulated seconds per wall second = simulated hours per wall hour */
      simulatedHoursPerWallHour: +(simulatedSeconds / result.wallSeconds).toFixed(3),
    };
  };
  try {
    const oneLane = await measure(1, given);
    const lockstep = await measure(2, given);
    const baseline = values['no-baseline'] ? undefined : await measure(2, EARLIER_DEFAULT);
    console.log(
      JSON.stringify({
        bench: 'dataset generation throughput',
        cell: values.cell,
        integration: integrationLabel(integration),
        ...integration,
        trials,
        durationMs,
        cores,
        // the generator's default: trials two at a time in lockstep on every worker
        lanes: 2,
        ...lockstep,
        oneLane,
        lockstepOverOneLane: +(
          lockstep.simulatedHoursPerWallHour / oneLane.simulatedHoursPerWallHour
        ).toFixed(3),
        ...(baseline
          ? {
              baseline: { integration: integrationLabel(resolveIntegration(EARLIER_DEFAULT)), ...baseline },
              overBaseline: +(
                lockstep.simulatedHoursPerWallHour / baseline.simulatedHoursPerWallHour
              ).toFixed(3),
            }
          : {}),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
