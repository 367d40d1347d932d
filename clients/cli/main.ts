#!/usr/bin/env node
/**
 * Streams the paper's input pattern for a model's neuron to a running neurotwin server, with the
 * reference on, and prints a live surrogate-vs-reference comparison every simulated second.
 *   npm run client -- [--model if-paper] --duration 10000 --seed 3 [--url ws://HOST:PORT/stream]
 *                     [--chunk 100] [--json] [--clock asap|realtime]
 * The URL defaults to ws://localhost:$PORT/stream (PORT as for the server, default 8080).
 */
import { Command, InvalidArgumentError } from 'commander';
import { NeurotwinClient, NeurotwinError, type OpenedMsg } from '../sdk/index.js';
import { cellInfo } from '../../src/reference/cells/registry.js';
import { PatternGenerator, type InputPattern } from '../../src/inputs/paper-pattern.js';
import { StreamComparison, type ComparisonRow } from './comparison.js';
import { explainConnectFailure, STREAM_PATH } from './connect-failure.js';

interface Options {
  model?: string;
  duration: number;
  seed: number;
  url: string;
  chunk: number;
  json: boolean;
  clock: 'asap' | 'realtime';
  token?: string;
}

function positiveInt(name: string) {
  return (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return v;
  };
}

function inputBins(p: InputPattern, from: number, to: number) {
  const bins = [];
  for (let k = from; k < to; k++) {
    bins.push({
      exc: p.exc.ids.subarray(p.excOffsets[k], p.excOffsets[k + 1]),
      inh: p.inh.ids.subarray(p.inhOffsets[k], p.inhOffsets[k + 1]),
    });
  }
  return bins;
}

function formatRow(r: ComparisonRow, lag: number): string {
  const f = (x: number | null, d: number) => (x === null || Number.isNaN(x) ? '   -  ' : x.toFixed(d));
  return (
    `t=${(r.bins / 1000).toFixed(1).padStart(6)} s  spikes sur/ref ${String(r.surrogateSpikes).padStart(4)}/` +
    `${String(r.referenceSpikes).padEnd(4)}  AUC ${f(r.auc, 4)}  RMSE ${f(r.rmse, 2)} mV  r ${f(r.correlation, 3)}` +
    `  ref lag ${lag} bins`
  );
}

async function run(o: Options): Promise<void> {
  let client: NeurotwinClient;
  try {
    client = await NeurotwinClient.connect(o.url, {
      binary: !o.json,
      ...(o.token ? { token: o.token } : {}),
    });
  } catch (err) {
    const reason = (err as Error).message.replace(/^CONNECT_FAILED: cannot connect to \S+?(: |$)/, '');
    throw new Error(await explainConnectFailure(o.url, reason || 'connection failed'));
  }
  let opened: OpenedMsg;
  try {
    opened = await client.open({
      ...(o.model !== undefined ? { model: o.model } : {}),
      reference: true,
      clock: o.clock === 'realtime' ? 'REALTIME' : 'ASAP',
    });
  } catch (err) {
    client.disconnect();
    throw err;
  }
  const info = cellInfo(opened.model.neuron);
  process.stdout.write(
    `model ${opened.model.id} (${opened.model.architecture}) imitating '${opened.model.neuron}', ` +
      `${opened.model.nExc}+${opened.model.nInh} synapses; ${o.duration} ms of '${info.defaultInputs().preset}' input, seed ${o.seed}\n`,
  );
  const pattern = new PatternGenerator(info.defaultInputs(), o.duration).generate(o.seed);

  const cmp = new StreamComparison(o.duration, info.labelConvention);
  let nextReport = 1000;
  let failure: Error | null = null;
  let surrogateDone: () => void = () => undefined;
  const allSurrogate = new Promise<void>((resolve) => (surrogateDone = resolve));
  client.onError((err) => {
    failure ??= err;
    surrogateDone();
  });
  client.onOutput((c) => {
    try {
      cmp.add(c);
    } catch (err) {
      failure ??= err as Error;
    }
    while (cmp.alignedBins >= Math.min(nextReport, o.duration) && nextReport < o.duration + 1000) {
      process.stdout.write(formatRow(cmp.row(Math.min(nextReport, o.duration)), c.referenceLagBins) + '\n');
      nextReport += 1000;
    }
    if (cmp.surrogateBins === o.duration) surrogateDone();
  });

  const chunk = Math.min(o.chunk, opened.maxBinsPerChunk);
  for (let k = 0; k < o.duration; k += chunk)
    await client.sendBins(k, inputBins(pattern, k, Math.min(o.duration, k + chunk)));
  await allSurrogate;
  if (failure) throw failure;
  // close flushes the reference's remaining bins; their chunks arrive before the summary
  const summary = await client.close();
  client.disconnect();
  if (failure) throw failure;
  const final = cmp.row(Math.min(cmp.surrogateBins, cmp.referenceBins));
  process.stdout.write(
    `summary: ${summary.bins} bins in ${(summary.wallMs / 1000).toFixed(2)} s wall ` +
      `(${(summary.bins / summary.wallMs).toFixed(1)}x real time); surrogate ${summary.surrogateSpikes} spikes, ` +
      `reference ${summary.referenceSpikes} spikes; scored bins >= 500: AUC ${final.auc?.toFixed(4) ?? '-'}, ` +
      `RMSE ${final.rmse.toFixed(2)} mV, r ${final.correlation.toFixed(3)}\n`,
  );
}

const program = new Command()
  .name('neurotwin-client')
  .description(
    'Stream the paper input pattern to a neurotwin server and compare surrogate with reference live',
  )
  .option('--model <id>', "model id (see GET /models); default: the server's default model")
  .option('--duration <ms>', 'simulated milliseconds', positiveInt('--duration'), 10000)
  .option(
    '--seed <n>',
    'input pattern seed',
    (t) => {
      const v = Number(t);
      if (!Number.isInteger(v) || v < 0)
        throw new InvalidArgumentError('--seed must be a non-negative integer');
      return v;
    },
    1,
  )
  .option(
    '--url <url>',
    `server stream URL; for a server on another host or port: ws://HOST:PORT${STREAM_PATH}`,
    `ws://localhost:${process.env.PORT ?? 8080}${STREAM_PATH}`,
  )
  .option(
    '--token <token>',
    "the server's token, when it was started with one (env NEUROTWIN_TOKEN)",
    process.env.NEUROTWIN_TOKEN,
  )
  .option('--chunk <bins>', 'bins per input chunk', positiveInt('--chunk'), 100)
  .option('--json', 'use JSON text frames instead of protobuf', false)
  .option(
    '--clock <mode>',
    'asap or realtime',
    (t) => {
      if (t !== 'asap' && t !== 'realtime')
        throw new InvalidArgumentError("--clock must be 'asap' or 'realtime'");
      return t;
    },
    'asap',
  )
  .showHelpAfterError();

program
  .parseAsync(process.argv)
  .then(() => run(program.opts<Options>()))
  .then(
    () => process.exit(0),
    (err: unknown) => {
      const text = err instanceof NeurotwinError || err instanceof Error ? err.message : String(err);
      process.stderr.write(`neurotwin-client: ${text}\n`);
      process.exit(1);
    },
  );
