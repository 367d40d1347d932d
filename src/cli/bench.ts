import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { describeNamedCell } from '../reference/cells/describe.js';
import { modelFromDescription } from '../reference/cells/from-description.js';
import { runBinnedTrials, type BinnedResult } from '../reference/cells/run-binned.js';
import {
  DEFAULT_INTEGRATION,
  NEURON_FIXED_STEP,
  integrationLabel,
  resolveIntegration,
  type GivenIntegration,
  type IntegrationSetting,
} from '../reference/integration.js';
import type { CellDescription, ProtocolDescription } from '../reference/neuron-oracle/exchange-format.js';
import { neuronAvailable, runNeuron } from '../reference/neuron-oracle/oracle.js';
import { paperInputProtocol } from '../reference/neuron-oracle/paper-protocol.js';
import type { KernelChoice } from '../reference/cable/wasm-kernels.js';
import { benchInference, printInferenceBench } from './bench-inference.js';
import { benchStream } from './bench-stream.js';
import { nonNegativeInt, parseInteger, positiveInt, positiveNumber } from './options.js';
import { addIntegrationFlags, givenIntegration, type IntegrationFlags } from './integration-flags.js';
import type { EngineChoice } from '../inference/stream-batch.js';

function engineChoice(v: string): EngineChoice {
  if (v !== 'auto' && v !== 'kernels' && v !== 'onnx')
    throw new InvalidArgumentError(`engine must be auto, kernels or onnx, got '${v}'`);
  return v;
}

/**
 * `neurotwin bench reference`: wall-clock seconds per simulated second of our compartmental engine
 * (at the dataset default integration unless --method/--dt say otherwise) and, in the same run,
 * of NEURON's fixed-step backward Euler at 0.025 ms on the identical cell and inputs; and their
 * ratio. NEURON's figure is its run alone (finitialize + continuerun), cell building excluded;
 * ours is the engine's run of the protocol. Each also reports the CPU seconds of its process over
 * the same span, and `cpuRatio` their ratio: on a machine shared with other jobs wall time depends
 * on what else runs at that moment, CPU time much less. With `lockstep`, also the cost per trial of
 * two trials (seeds seed and seed + 1) stepped together by our engine (two lanes, as dataset
 * generation runs them) against NEURON running the same two trials one after the other.
 */
export interface ReferenceBenchOptions {
  cell: string;
  duration: number;
  /** our engine's integration (default: DEFAULT_INTEGRATION) */
  integration?: GivenIntegration;
  seed: number;
  /** bench a CellDescription from a JSON file instead of a named cell */
  description?: string;
  neuron: boolean;
  ours: boolean;
  /** our engine's loops (default 'auto': the WebAssembly kernels when built) */
  kernels?: KernelChoice;
  /** also time two trials in lockstep against NEURON on the same two trials */
  lockstep?: boolean;
}

export interface SimulatorFigure {
  method: IntegrationSetting['method'];
  dt: number;
  /** spike-adaptive: the fine substep of the bins around spikes */
  spikeDt?: number;
  /** ours only: engine substeps per simulated ms that the run took (its cost) */
  substepsPerMs?: number;
  wallSeconds: number;
  secondsPerSimulatedSecond: number;
  cpuSeconds: number;
  cpuSecondsPerSimulatedSecond: number;
  spikes: number;
  /** ours only: whether the WebAssembly kernels ran */
  kernels?: boolean;
}

/**
 * Two trials (seeds seed and seed + 1): ours stepped together in one engine of two lanes, NEURON one
 * after the other. Wall and CPU seconds are per trial (the total over two), spikes those of both.
 */
export interface LockstepFigure {
  seeds: [number, number];
  /** whether the first lane's soma trace equals, to the bit, that of the one-trial run of `ours` */
  firstLaneEqualsAlone: boolean;
  ours: SimulatorFigure;
  neuron: SimulatorFigure;
  /** ours / NEURON per trial, seconds per simulated second (the existing `ratio` is one trial alone) */
  ratio: number;
  cpuRatio: number;
}

export interface ReferenceBenchResult {
  cell: string;
  durationMs: number;
  seed: number;
  inputEvents: { exc: number; inh: number };
  ours?: SimulatorFigure;
  neuron?: SimulatorFigure;
  /** ours / NEURON, seconds per simulated second (< 1: we are faster) */
  ratio?: number;
  /** the same in CPU seconds */
  cpuRatio?: number;
  /** with --lockstep: two trials in lockstep (ours) against the same two trials in NEURON */
  lockstep?: LockstepFigure;
  /** 1-minute load average of the machine at the start and at the end */
  loadAverage: [number, number];
  notes: string[];
}

function countPeaks(v: ArrayLike<number>): number {
  let n = 0;
  for (let j = 1; j < v.length - 1; j++) if (v[j] > -25 && v[j] > v[j - 1] && v[j + 1] < v[j]) n++;
  return n;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

function readDescription(file: string): CellDescription {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(
      `--description ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (err as Error).message}`,
    );
  }
  let cell: unknown;
  try {
    cell = JSON.parse(text);
  } catch {
    throw new Error(`--description ${file}: not JSON`);
  }
  if ((cell as Partial<CellDescription> | null)?.format !== 'neurotwin-cell')
    throw new Error(
      `--description ${file}: not a neurotwin-cell description (no "format": "neurotwin-cell")`,
    );
  return cell as CellDescription;
}

export async function benchReference(opts: ReferenceBenchOptions): Promise<ReferenceBenchResult> {
  if (!Number.isInteger(opts.duration) || opts.duration <= 0) {
    throw new RangeError(`--duration must be a positive integer number of ms, got ${opts.duration}`);
  }
  if (!opts.ours && !opts.neuron)
    throw new Error('nothing to bench: --no-ours and --no-neuron together leave neither simulator');
  const integration = resolveIntegration(opts.integration);
  const cell = opts.description ? readDescription(opts.description) : describeNamedCell(opts.cell);
  const dataset = cell.cell.includes('ampa') ? 'ampa' : 'nmda';
  // one set of input events for both simulators: NEURON's protocol, re-stepped for ours
  const base = paperInputProtocol(
    cell,
    dataset,
    opts.duration,
    opts.seed,
    NEURON_FIXED_STEP.dt,
    NEURON_FIXED_STEP.method,
  );
  const simSeconds = opts.duration / 1000;
  const result: ReferenceBenchResult = {
    cell: cell.cell,
    durationMs: opts.duration,
    seed: opts.seed,
    inputEvents: { exc: base.events.exc.length, inh: base.events.inh.length },
    loadAverage: [loadavg()[0], NaN],
    notes: [],
  };
  const figure = (
    s: IntegrationSetting,
    run: { wallSeconds: number; cpuSeconds: number },
    spikes: number,
  ): SimulatorFigure => ({
    method: s.method,
    dt: s.dt,
    ...(s.spikeDt !== undefined ? { spikeDt: s.spikeDt } : {}),
    wallSeconds: run.wallSeconds,
    secondsPerSimulatedSecond: run.wallSeconds / simSeconds,
    cpuSeconds: run.cpuSeconds,
    cpuSecondsPerSimulatedSecond: run.cpuSeconds / simSeconds,
    spikes,
  });
  let oursAlone: BinnedResult | undefined;
  const model = modelFromDescription(cell);
  // ours runs bin by bin, as datasets and the streaming reference run the cell
  const ours = (events: ProtocolDescription['events'][]): BinnedResult =>
    runBinnedTrials(model, events, opts.duration, { ...integration, kernels: opts.kernels });
  // one after the other, so neither competes with the other for the CPU
  if (opts.ours) {
    const res = ours([base.events]);
    oursAlone = res;
    result.ours = {
      ...figure(integration, res, countPeaks(res.soma[0])),
      substepsPerMs: res.substepsPerMs,
      kernels: res.usedKernels,
    };
  }
  if (opts.neuron) {
    if (!neuronAvailable())
      result.notes.push('NEURON is not importable by /usr/bin/python3; NEURON half skipped');
    else {
      const res = await runNeuron(cell, base);
      result.neuron = figure(NEURON_FIXED_STEP, res, res.spikeTimes.length);
    }
  }
  if (result.ours && result.neuron && oursAlone) {
    result.ratio = result.ours.secondsPerSimulatedSecond / result.neuron.secondsPerSimulatedSecond;
    result.cpuRatio = result.ours.cpuSeconds / result.neuron.cpuSeconds;
    if (opts.lockstep) {
      const nextSeed = opts.seed === 0xffffffff ? 0 : opts.seed + 1;
      const second = paperInputProtocol(
        cell,
        dataset,
        opts.duration,
        nextSeed,
        NEURON_FIXED_STEP.dt,
        NEURON_FIXED_STEP.method,
      );
      const both = ours([base.events, second.events]);
      const spikes = both.soma.reduce((n, soma) => n + countPeaks(soma), 0);
      const neuron = await runNeuron(cell, second);
      const perTrial = (
        wallSeconds: number,
        cpuSeconds: number,
      ): { wallSeconds: number; cpuSeconds: number } => ({
        wallSeconds: wallSeconds / 2,
        cpuSeconds: cpuSeconds / 2,
      });
      const lockstep: LockstepFigure = {
        seeds: [opts.seed, nextSeed],
        firstLaneEqualsAlone: sameBits(both.soma[0], oursAlone.soma[0]),
        ours: {
          ...figure(integration, perTrial(both.wallSeconds, both.cpuSeconds), spikes),
          substepsPerMs: both.substepsPerMs,
          kernels: both.usedKernels,
        },
        neuron: figure(
          NEURON_FIXED_STEP,
          perTrial(
            result.neuron.wallSeconds + neuron.wallSeconds,
            result.neuron.cpuSeconds + neuron.cpuSeconds,
          ),
          result.neuron.spikes + neuron.spikeTimes.length,
        ),
        ratio: 0,
        cpuRatio: 0,
      };
      lockstep.ratio = lockstep.ours.secondsPerSimulatedSecond / lockstep.neuron.secondsPerSimulatedSecond;
      lockstep.cpuRatio = lockstep.ours.cpuSeconds / lockstep.neuron.cpuSeconds;
      result.lockstep = lockstep;
    }
  } else if (opts.lockstep) {
    result.notes.push('--lockstep needs both simulators; lockstep figure skipped');
  }
  result.loadAverage[1] = loadavg()[0];
  return result;
}

function printHuman(r: ReferenceBenchResult): void {
  const out: string[] = [
    `cell ${r.cell}, ${r.durationMs} ms of paper inputs (seed ${r.seed}: ${r.inputEvents.exc} exc + ${r.inputEvents.inh} inh events)`,
  ];
  const line = (name: string, f?: SimulatorFigure): void => {
    if (f)
      out.push(
        `${name.padEnd(8)} ${integrationLabel(f).padEnd(14)} ${f.secondsPerSimulatedSecond.toFixed(3)} s per simulated s  (${f.wallSeconds.toFixed(3)} s wall, ${f.cpuSeconds.toFixed(3)} s CPU, ${f.spikes} spikes${f.substepsPerMs !== undefined ? `, ${f.substepsPerMs.toFixed(2)} substeps per ms` : ''})`,
      );
  };
  line('ours', r.ours);
  line('NEURON', r.neuron);
  if (r.ratio !== undefined)
    out.push(`ratio ours/NEURON ${r.ratio.toFixed(3)} (${r.ratio < 1 ? 'faster' : 'slower'} than NEURON)`);
  if (r.cpuRatio !== undefined) out.push(`CPU-time ratio ours/NEURON ${r.cpuRatio.toFixed(3)}`);
  const ls = r.lockstep;
  if (ls) {
    out.push(
      `two trials (seeds ${ls.seeds.join(', ')}), per trial: ours in lockstep, NEURON one by one (first lane equals the trial alone: ${ls.firstLaneEqualsAlone ? 'yes' : 'NO'})`,
    );
    line('ours ×2', ls.ours);
    line('NEURON', ls.neuron);
    out.push(`lockstep ratio ours/NEURON ${ls.ratio.toFixed(3)} (CPU ${ls.cpuRatio.toFixed(3)})`);
  }
  out.push(`load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' → ')}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

interface BenchFlags extends IntegrationFlags {
  cell: string;
  duration: number;
  seed: number;
  description?: string;
  neuron: boolean;
  ours: boolean;
  json?: boolean;
  kernels: KernelChoice;
  lockstep?: boolean;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('speed measurements (figures printed, never asserted)');
  const reference = bench
    .command('reference')
    .description(
      `our compartmental engine (default ${integrationLabel(DEFAULT_INTEGRATION)} ms, the dataset default) vs NEURON fixed-step ${integrationLabel(NEURON_FIXED_STEP)} ms on the same cell and inputs: wall seconds per simulated second`,
    )
    .option('--cell <id>', 'reference cell (l5pc-nmda, l5pc-ampa)', 'l5pc-nmda')
    .option('--duration <ms>', 'simulated time, ms', parseInteger('duration', 1, 10_000_000), 2000);
  addIntegrationFlags(reference, 'our engine')
    .option('--seed <n>', 'input pattern seed', parseInteger('seed', 0, 0xffffffff), 1)
    .option('--description <file>', 'bench this CellDescription JSON instead of the named cell')
    .option('--no-neuron', 'skip NEURON')
    .option('--no-ours', 'skip our engine')
    .option('--kernels <k>', 'our loops: auto (WebAssembly kernels when built), wasm or js', 'auto')
    .option(
      '--lockstep',
      'also time two trials (seeds seed, seed+1) in lockstep in our engine against NEURON on the same two',
    )
    .option('--json', 'print the figures as JSON')
    .action(async (o: BenchFlags) => {
      const result = await benchReference({
        kernels: o.kernels,
        cell: o.cell,
        duration: o.duration,
        integration: givenIntegration(o),
        seed: o.seed,
        description: o.description,
        neuron: o.neuron,
        ours: o.ours,
        lockstep: o.lockstep,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else printHuman(result);
    });
  bench
    .command('inference')
    .description(
      "a model's step graph through the batch scheduler: batched and one-at-a-time neuron-steps/s, FLOPs, and this machine's dense-matmul limit",
    )
    .option('--model <id|dir>', 'model id in models/ or a model directory', 'if-paper')
    .option('--streams <n>', 'streams stepped together', positiveInt('streams'), 1000)
    .option(
      '--bins <n>',
      'bins per stream (batched runs; the onnxruntime baseline steps at most 200)',
      positiveInt('bins'),
      1000,
    )
    .option('--single-bins <n>', 'bins of the one-stream run', positiveInt('single-bins'), 5000)
    .option(
      '--threads <n>',
      'onnxruntime intra-op threads (step graph and matmul)',
      positiveInt('threads'),
      1,
    )
    .option('--seed <n>', 'input seed', nonNegativeInt('seed'), 1)
    .option(
      '--rate <hz>',
      'Poisson rate per synapse for models without the paper inputs',
      positiveNumber('rate'),
      2,
    )
    .option('--matmul-size <n>', 'side of the square matmul probe', positiveInt('matmul-size'), 1024)
    .option(
      '--engine <name>',
      'auto (the resident kernels where they run the model), kernels, or onnx (the step graph in onnxruntime)',
      engineChoice,
      'auto',
    )
    .option(
      '--shards <n>',
      'worker threads the batched kernel run is split over (for models too heavy for one core)',
      positiveInt('shards'),
      1,
    )
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, unknown>) => {
      const result = await benchInference({
        engine: o.engine as EngineChoice,
        shards: o.shards as number,
        model: String(o.model),
        streams: o.streams as number,
        bins: o.bins as number,
        singleBins: o.singleBins as number,
        threads: o.threads as number,
        seed: o.seed as number,
        rateHz: o.rate as number,
        matmulSize: o.matmulSize as number,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else printInferenceBench(result);
    });
  bench
    .command('stream')
    .description(
      'starts the server and streams from N clients on loopback: aggregate bins/s and chunk round-trip percentiles',
    )
    .option('--model <id|dir>', 'model id in models/ or a model directory', 'if-paper')
    .option('--sessions <n>', 'concurrent client sessions', positiveInt('sessions'), 100)
    .option('--chunk <bins>', 'bins per input chunk', positiveInt('chunk'), 100)
    .option(
      '--chunks <n>',
      'chunks per session (2,000: about 5 s at 100 sessions, past the JIT and the kernels warming up)',
      positiveInt('chunks'),
      2000,
    )
    .option('--warmup <n>', 'chunks at the start of each session not counted', nonNegativeInt('warmup'), 100)
    .option(
      '--client-threads <n>',
      'worker threads the clients are spread over',
      positiveInt('client-threads'),
      1,
    )
    .option('--json-frames', 'JSON text frames instead of protobuf')
    .option(
      '--rate <bins/s>',
      'offered load: the sessions together send this many bins per second, each chunk on its schedule (default: each chunk as soon as the last one is answered)',
      positiveNumber('rate'),
    )
    .option('--seed <n>', 'input seed', nonNegativeInt('seed'), 1)
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, unknown>) => {
      const r = await benchStream({
        rate: o.rate as number | undefined,
        model: String(o.model),
        sessions: o.sessions as number,
        chunk: o.chunk as number,
        chunks: o.chunks as number,
        warmup: o.warmup as number,
        clientThreads: o.clientThreads as number,
        binary: o.jsonFrames !== true,
        seed: o.seed as number,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else
        process.stdout.write(
          `${r.sessions} sessions of ${r.model}, ${r.chunksPerSession} chunks of ${r.chunkBins} bins each (${r.encoding}), clients in ${r.clientThreads} thread(s)\n` +
            `counted: ${r.countedChunks} chunks, the first ${r.warmupChunksPerSession} of each session left out\n` +
            `aggregate ${r.aggregateBinsPerSecond.toFixed(0)} bins/s (${r.bins} bins in ${r.wallSeconds.toFixed(2)} s${r.offeredBinsPerSecond !== undefined ? `; offered ${r.offeredBinsPerSecond.toFixed(0)} bins/s` : '; each chunk sent when the last was answered'})\n` +
            `chunk round trip p50 ${r.p50Ms.toFixed(2)} ms, p90 ${r.p90Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms\n` +
            `floor, plain TCP echo on loopback (same sessions, ${r.loopbackEcho.requestBytes} B out, ${r.loopbackEcho.replyBytes} B back, no model): ` +
            `${r.loopbackEcho.messagesPerSecond.toFixed(0)} round trips/s, p50 ${r.loopbackEcho.p50Ms.toFixed(2)} ms, p99 ${r.loopbackEcho.p99Ms.toFixed(2)} ms (stream p99 ÷ echo p99 ${r.p99OverLoopbackEcho.toFixed(2)})\n` +
            `load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' → ')}\n`,
        );
    });
}
