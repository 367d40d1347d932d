/**
 * `neurotwin network`: one recurrent population of twins (or reference cells) with random
 * connectivity, driven by the paper's input statistics (or Poisson spikes), run for a duration;
 * prints wall time and the real-time factor (simulated / wall), optionally records to HDF5.
 */
import type { Command } from 'commander';
import { Network, type DriveSpec } from '../network/index.js';
import { findModel } from './bench-inference.js';
import { currentCommand, nonNegativeInt, positiveInt, positiveNumber } from './options.js';

export interface NetworkCommandOptions {
  model?: string;
  cell?: string;
  neurons: number;
  connectivity: number;
  duration: number;
  weight: number;
  delayMin: number;
  delayMax: number;
  inhibitoryFraction: number;
  drive: 'paper' | 'poisson';
  /** paper drive: size of the pattern pool (default one per neuron, at most 256) */
  patterns?: number;
  rate: number;
  seed: number;
  out?: string;
  /** threads stepping the twins: the calling one and threads − 1 workers (default 1) */
  threads?: number;
}

export interface NetworkCommandResult {
  population: string;
  neurons: number;
  connections: number;
  connectivity: number;
  drive: string;
  durationMs: number;
  setupSeconds: number;
  wallSeconds: number;
  realTimeFactor: number;
  spikes: number;
  meanRateHz: number;
  synapticEvents: number;
  out?: string;
}

export async function runNetworkCommand(o: NetworkCommandOptions): Promise<NetworkCommandResult> {
  if ((o.model === undefined) === (o.cell === undefined))
    throw new Error('give exactly one of --model and --cell');
  if (!(o.connectivity >= 0 && o.connectivity <= 1))
    throw new Error(`--connectivity must be in [0, 1], got ${o.connectivity}`);
  if (!(o.inhibitoryFraction >= 0 && o.inhibitoryFraction <= 1))
    throw new Error(`--inhibitory-fraction must be in [0, 1], got ${o.inhibitoryFraction}`);
  const t0 = performance.now();
  const net = new Network({ seed: o.seed });
  try {
    const pop = o.model
      ? await net.twins('neurons', { model: findModel(o.model), size: o.neurons, threads: o.threads })
      : net.reference('neurons', { cell: o.cell!, size: o.neurons });
    const delay: [number, number] = [o.delayMin, o.delayMax];
    // a fraction of the connections lands on inhibitory synapses, the rest on excitatory ones
    const pInh = o.connectivity * o.inhibitoryFraction;
    const pExc = o.connectivity - pInh;
    const rule = (p: number) => ({ kind: 'fixed-probability' as const, p });
    let connections = 0;
    if (pExc > 0)
      connections += net.connect(pop, pop, {
        rule: rule(pExc),
        synapse: 'exc',
        weight: o.weight,
        delay,
      }).size;
    if (pInh > 0)
      connections += net.connect(pop, pop, {
        rule: rule(pInh),
        synapse: 'inh',
        weight: o.weight,
        delay,
      }).size;
    const drive: DriveSpec =
      o.drive === 'paper'
        ? { kind: 'paper', patterns: o.patterns }
        : { kind: 'poisson', excHz: o.rate, inhHz: o.rate };
    net.drive(pop, drive);
    if (o.out) net.recordSpikes(pop);
    const setupSeconds = (performance.now() - t0) / 1000;
    const r = await net.run(o.duration);
    if (o.out) await net.write(o.out, currentCommand());
    const spikes = r.spikes.neurons;
    return {
      population: pop.kind.label,
      neurons: o.neurons,
      connections,
      connectivity: o.connectivity,
      drive:
        o.drive === 'paper'
          ? `the paper's I&F input statistics, a pool of ${o.patterns ?? Math.min(o.neurons, 256)} 1-s patterns for ${o.neurons} neurons`
          : `Poisson ${o.rate} Hz per synapse`,
      durationMs: o.duration,
      setupSeconds,
      wallSeconds: r.wallSeconds,
      realTimeFactor: r.realTimeFactor,
      spikes,
      meanRateHz: spikes / o.neurons / (o.duration / 1000),
      synapticEvents: r.events,
      ...(o.out ? { out: o.out } : {}),
    };
  } finally {
    await net.dispose();
  }
}

export function registerNetwork(program: Command): void {
  program
    .command('network')
    .description(
      'a recurrent network of twins (or reference cells) stepped 1 ms at a time; prints the real-time factor',
    )
    .option('--model <id|dir>', 'twin model (id in models/ or a model directory)')
    .option('--cell <id>', 'reference cell instead of twins (small sizes)')
    .option('--neurons <n>', 'population size', positiveInt('neurons'), 1000)
    .option(
      '--connectivity <p>',
      'connection probability between any two neurons',
      positiveNumber('connectivity', true),
      0.01,
    )
    .option('--duration <ms>', 'simulated time, ms', positiveInt('duration'), 1000)
    .option('--weight <n>', 'synapses activated per presynaptic spike', positiveInt('weight'), 1)
    .option('--delay-min <ms>', 'shortest delay, ms', positiveInt('delay-min'), 1)
    .option('--delay-max <ms>', 'longest delay, ms', positiveInt('delay-max'), 5)
    .option(
      '--inhibitory-fraction <f>',
      'fraction of connections onto inhibitory synapses (at 1 % connectivity, if-paper twins fire about 0.5 Hz with 0.8, 14 Hz with 0.2)',
      positiveNumber('inhibitory-fraction', true),
      0.8,
    )
    .option('--drive <kind>', 'external drive: paper or poisson', 'paper')
    .option(
      '--patterns <n>',
      'paper drive: patterns in the pool (default: one per neuron, at most 256)',
      positiveInt('patterns'),
    )
    .option('--rate <hz>', 'Poisson drive rate per synapse', positiveNumber('rate'), 2)
    .option('--seed <n>', 'seed of connectivity and drive', nonNegativeInt('seed'), 1)
    .option('--out <file.h5>', 'record spikes to this HDF5 file (SONATA spike layout)')
    .option(
      '--threads <n>',
      'threads stepping the twins, this one and the rest workers (for heavy models such as the L5PC twins)',
      positiveInt('threads'),
      1,
    )
    .option('--json', 'print the figures as JSON')
    .action(async (o: Record<string, unknown>) => {
      const drive = String(o.drive);
      if (drive !== 'paper' && drive !== 'poisson')
        throw new Error(`--drive must be paper or poisson, got '${drive}'`);
      const r = await runNetworkCommand({
        model: o.model as string | undefined,
        cell: o.cell as string | undefined,
        neurons: o.neurons as number,
        connectivity: o.connectivity as number,
        duration: o.duration as number,
        weight: o.weight as number,
        delayMin: o.delayMin as number,
        delayMax: o.delayMax as number,
        inhibitoryFraction: o.inhibitoryFraction as number,
        drive,
        rate: o.rate as number,
        patterns: o.patterns as number | undefined,
        seed: o.seed as number,
        out: o.out as string | undefined,
        threads: o.threads as number,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else
        process.stdout.write(
          `${r.neurons} x ${r.population}, ${r.connections} connections (p ${r.connectivity}), drive: ${r.drive}\n` +
            `${r.durationMs} ms simulated in ${r.wallSeconds.toFixed(2)} s wall (setup ${r.setupSeconds.toFixed(2)} s): real-time factor ${r.realTimeFactor.toFixed(3)}\n` +
            `${r.spikes} spikes (${r.meanRateHz.toFixed(2)} Hz per neuron), ${r.synapticEvents} synaptic events routed\n`,
        );
    });
}
