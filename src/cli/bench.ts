import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CellDescription, ProtocolDescription } from '../reference/cells/description.js';
import { neuronAvailable, paperInputProtocol, runNeuron } from '../reference/neuron-oracle.js';
import { benchInference, printInferenceBench } from './bench-inference.js';
import { benchStream } from './bench-stream.js';
import { nonNegativeInt, positiveInt, positiveNumber } from './options.js';

/**
 * `neurotwin bench reference`: wall-clock seconds per simulated second of our compartmental engine
 * and, in the same run when NEURON is importable, of NEURON on the identical cell, inputs, dt and
 * method; and their ratio. NEURON's figure is its run alone (finitialize + continuerun), cell
 * building excluded; ours is the engine's run of the protocol.
 */
interface EngineRun {
  traces: Record<string, ArrayLike<number>>;
  wallSeconds?: number;
}
type RunFn = (cell: CellDescription, protocol: ProtocolDescription) => EngineRun | Promise<EngineRun>;
type DescribeFn = (cell: string) => CellDescription | Promise<CellDescription>;

/** Where the engine's entry points live (the exporter is written alongside the engine). */
const RUN_CANDIDATES: [string, string][] = [
  ['../reference/cells/run-protocol.js', 'runProtocol'],
  ['../reference/cells/describe.js', 'runProtocol'],
  ['../reference/cable/run-protocol.js', 'runProtocol'],
];
const DESCRIBE_CANDIDATES: [string, string][] = [
  ['../reference/cells/describe.js', 'describeNamedCell'],
  ['../reference/cells/describe.js', 'describeCell'],
];

async function findExport<T>(candidates: [string, string][]): Promise<T | null> {
  for (const [path, name] of candidates) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(path)) as Record<string, unknown>;
    } catch (err) {
      // the module (or one it imports) is not written yet
      if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') continue;
      throw err;
    }
    if (typeof mod[name] === 'function') return mod[name] as T;
  }
  return null;
}

export interface ReferenceBenchOptions {
  cell: string;
  duration: number;
  dt: number;
  method: ProtocolDescription['method'];
  seed: number;
  /** bench a CellDescription from a JSON file instead of a named cell */
  description?: string;
  neuron: boolean;
  ours: boolean;
}

export interface SimulatorFigure {
  wallSeconds: number;
  secondsPerSimulatedSecond: number;
  spikes: number;
}

export interface ReferenceBenchResult {
  cell: string;
  durationMs: number;
  dt: number;
  method: ProtocolDescription['method'];
  seed: number;
  inputEvents: { exc: number; inh: number };
  ours?: SimulatorFigure;
  neuron?: SimulatorFigure;
  /** ours / NEURON, seconds per simulated second (< 1: we are faster) */
  ratio?: number;
  notes: string[];
}

function countPeaks(v: ArrayLike<number>): number {
  let n = 0;
  for (let j = 1; j < v.length - 1; j++) if (v[j] > -25 && v[j] > v[j - 1] && v[j + 1] < v[j]) n++;
  return n;
}

export async function benchReference(opts: ReferenceBenchOptions): Promise<ReferenceBenchResult> {
  if (!Number.isInteger(opts.duration) || opts.duration <= 0) {
    throw new RangeError(`--duration must be a positive integer number of ms, got ${opts.duration}`);
  }
  if (!(opts.dt > 0) || !Number.isFinite(opts.dt))
    throw new RangeError(`--dt must be a positive number, got ${opts.dt}`);
  const dataset = opts.cell.includes('ampa') ? 'ampa' : 'nmda';
  const notes: string[] = [];
  const run = opts.ours ? await findExport<RunFn>(RUN_CANDIDATES) : null;
  let cell: CellDescription;
  if (opts.description) {
    cell = JSON.parse(readFileSync(opts.description, 'utf8')) as CellDescription;
    if (cell.format !== 'neurotwin-cell')
      throw new Error(`${opts.description}: not a neurotwin-cell description`);
  } else {
    const describe = await findExport<DescribeFn>(DESCRIBE_CANDIDATES);
    if (!describe) {
      throw new Error(
        `the engine's cell exporter is not available; pass --description <cell.json> to bench NEURON alone`,
      );
    }
    cell = await describe(opts.cell);
  }
  const protocol = paperInputProtocol(cell, dataset, opts.duration, opts.seed, opts.dt, opts.method);
  const simSeconds = opts.duration / 1000;
  const result: ReferenceBenchResult = {
    cell: cell.cell,
    durationMs: opts.duration,
    dt: opts.dt,
    method: opts.method,
    seed: opts.seed,
    inputEvents: { exc: protocol.events.exc.length, inh: protocol.events.inh.length },
    notes,
  };
  // one after the other, so neither competes with the other for the CPU
  if (opts.ours) {
    if (!run) notes.push("our engine's runProtocol is not available yet");
    else {
      const start = process.hrtime.bigint();
      const res = await run(cell, protocol);
      const measured = Number(process.hrtime.bigint() - start) / 1e9;
      const wall = res.wallSeconds ?? measured;
      result.ours = {
        wallSeconds: wall,
        secondsPerSimulatedSecond: wall / simSeconds,
        spikes: countPeaks(res.traces.soma),
      };
    }
  }
  if (opts.neuron) {
    if (!neuronAvailable()) notes.push('NEURON is not importable by /usr/bin/python3; NEURON half skipped');
    else {
      const res = await runNeuron(cell, protocol);
      result.neuron = {
        wallSeconds: res.wallSeconds,
        secondsPerSimulatedSecond: res.wallSeconds / simSeconds,
        spikes: res.spikeTimes.length,
      };
    }
  }
  if (result.ours && result.neuron) {
    result.ratio = result.ours.secondsPerSimulatedSecond / result.neuron.secondsPerSimulatedSecond;
  }
  return result;
}

function printHuman(r: ReferenceBenchResult): void {
  const out: string[] = [
    `cell ${r.cell}, ${r.durationMs} ms of paper inputs (seed ${r.seed}: ${r.inputEvents.exc} exc + ${r.inputEvents.inh} inh events), dt ${r.dt} ms, ${r.method}`,
  ];
  const line = (name: string, f?: SimulatorFigure): void => {
    if (f)
      out.push(
        `${name.padEnd(8)} ${f.secondsPerSimulatedSecond.toFixed(3)} s per simulated s  (${f.wallSeconds.toFixed(3)} s wall, ${f.spikes} spikes)`,
      );
  };
  line('ours', r.ours);
  line('NEURON', r.neuron);
  if (r.ratio !== undefined)
    out.push(`ratio ours/NEURON ${r.ratio.toFixed(3)} (${r.ratio < 1 ? 'faster' : 'slower'} than NEURON)`);
  for (const n of r.notes) out.push(`note: ${n}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('speed measurements (figures printed, never asserted)');
  bench
    .command('reference')
    .description(
      'our compartmental engine vs NEURON on the same cell and inputs: wall seconds per simulated second',
    )
    .option('--cell <id>', 'reference cell', 'l5pc-nmda')
    .option('--duration <ms>', 'simulated time, ms', '2000')
    .option('--dt <ms>', 'time step, ms', '0.025')
    .option('--method <m>', 'backward-euler or crank-nicolson', 'backward-euler')
    .option('--seed <n>', 'input pattern seed', '1')
    .option('--description <file>', 'bench this CellDescription JSON instead of the named cell')
    .option('--no-neuron', 'skip NEURON')
    .option('--no-ours', 'skip our engine')
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const method = String(o.method);
      if (method !== 'backward-euler' && method !== 'crank-nicolson') {
        throw new Error(`--method must be backward-euler or crank-nicolson, got '${method}'`);
      }
      const result = await benchReference({
        cell: String(o.cell),
        duration: Number(o.duration),
        dt: Number(o.dt),
        method,
        seed: Number(o.seed),
        description: typeof o.description === 'string' ? o.description : undefined,
        neuron: o.neuron !== false,
        ours: o.ours !== false,
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
    .option('--bins <n>', 'bins per stream (batched run)', positiveInt('bins'), 200)
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
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, unknown>) => {
      const result = await benchInference({
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
    .option('--chunks <n>', 'chunks per session', positiveInt('chunks'), 50)
    .option('--json-frames', 'JSON text frames instead of protobuf')
    .option('--seed <n>', 'input seed', nonNegativeInt('seed'), 1)
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, unknown>) => {
      const r = await benchStream({
        model: String(o.model),
        sessions: o.sessions as number,
        chunk: o.chunk as number,
        chunks: o.chunks as number,
        binary: o.jsonFrames !== true,
        seed: o.seed as number,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else
        process.stdout.write(
          `${r.sessions} sessions of ${r.model}, ${r.chunksPerSession} chunks of ${r.chunkBins} bins each (${r.encoding})\n` +
            `aggregate ${r.aggregateBinsPerSecond.toFixed(0)} bins/s (${r.bins} bins in ${r.wallSeconds.toFixed(2)} s)\n` +
            `chunk round trip p50 ${r.p50Ms.toFixed(2)} ms, p90 ${r.p90Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms\n`,
        );
    });
}
