/**
 * Flow-control figures of the stream server (issue 9's targets): the server runs in a process of
 * its own with the shipped models, a REALTIME control session measures how far behind schedule
 * its outputs arrive, and
 *   flood: one client sends input chunks as fast as its socket takes them (protobuf, then JSON),
 *          ignoring the input credit; printed: the server's RSS growth, the control's lag, what
 *          the flooder got back and how long its close took;
 *   churn: reference-session opens, `--parallel` at a time; printed: the control's lag, open times.
 * The server, the control and the pressure (flooder or churn) run in three processes, so that the
 * control measures the server and not the pressure's own work on the client side; the pressure
 * runs 10 nice levels below the rest, so that on a machine of few cores the control is not kept
 * waiting for a core by the flooder (whose rate the server sets anyway).
 *
 *   npm run bench:flood -- [--seconds 30] [--opens 150] [--parallel 20] [--only flood|churn]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script-args.js';
import { realtimeControl, type LagStats } from '../stream-pressure.js';
import { pressureProcess } from '../pressure-process.js';

const USAGE = `
usage: node dist/benchmarks/scripts/flow-bench.js [--seconds N] [--opens N] [--parallel N] [--models DIR] [--model ID] [--only flood|churn] [--server FILE]
the stream server under a flood and under reference-session churn, beside a REALTIME control session
  --seconds N     flood duration per encoding (default 30)
  --opens N       reference-session opens of the churn (default 150)
  --parallel N    opens in flight at once (default 20)
  --models DIR    models folder (default: models)
  --model ID      surrogate model of every session (default: if-paper; its reference is the I&F cell)
  --only WHAT     flood or churn (default: both)
  --server FILE   server script to measure (default: dist/benchmarks/pressure-server.js of this build; another build's
                  copy measures that build)
`;

const { values } = scriptArgs(USAGE, {
  seconds: { type: 'string', default: '30' },
  opens: { type: 'string', default: '150' },
  parallel: { type: 'string', default: '20' },
  models: { type: 'string', default: 'models' },
  model: { type: 'string', default: 'if-paper' },
  only: { type: 'string' },
  server: { type: 'string' },
});

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return n;
}
const seconds = positive('seconds', values.seconds);
const opens = positive('opens', values.opens);
const parallel = positive('parallel', values.parallel);
if (values.only !== undefined && values.only !== 'flood' && values.only !== 'churn')
  throw new Error(`--only must be flood or churn, got '${values.only}'`);

interface Sample {
  rss: number;
  loopMaxMs: number;
  /** absent from a build older than the measurement */
  gcMaxMs?: number;
  waitedS?: number | null;
}

class ServerProcess {
  private waiting: ((s: Sample) => void)[] = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: Sample) => this.waiting.shift()?.(m));
  }

  static async start(modelsDir: string, script: string): Promise<ServerProcess> {
    // every client of the bench comes from loopback: the per-address and open-rate limits must not
    // be what the churn measures (a build without those settings ignores them)
    const limits = { maxConnectionsPerAddress: 1000, maxConnections: 1000, maxOpensPerMinute: 100_000 };
    const child = fork(script, [JSON.stringify({ modelsDir, ...limits })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((ok, ko) => {
      child.once('message', (m: { port: number }) => ok(m.port));
      child.once('exit', (code) => ko(new Error(`the server exited with code ${code}`)));
    });
    return new ServerProcess(child, `ws://127.0.0.1:${port}/stream`);
  }

  sample(): Promise<Sample> {
    return new Promise((ok) => {
      this.waiting.push(ok);
      this.child.send('sample');
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((ok) => this.child.once('exit', ok));
    this.child.send('stop');
    await exited;
  }
}

const here = fileURLToPath(import.meta.url);

/** the compiled client process of the flood and the churn */
const pressureClient = resolve(here, '..', '..', 'pressure-client.js');

/** Samples the server every 100 ms while `work` runs: its largest RSS and event-loop delay. */
async function watched<T>(
  server: ServerProcess,
  work: Promise<T>,
): Promise<{ result: T; rssMax: number; loopMaxMs: number; gcMaxMs: number }> {
  await server.sample(); // restarts the server's event-loop delay measurement
  let rssMax = 0;
  let loopMaxMs = 0;
  let gcMaxMs = 0;
  let done = false;
  const sampling = (async () => {
    while (!done) {
      const s = await server.sample();
      rssMax = Math.max(rssMax, s.rss);
      loopMaxMs = Math.max(loopMaxMs, s.loopMaxMs);
      gcMaxMs = Math.max(gcMaxMs, s.gcMaxMs ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const result = await work;
  done = true;
  await sampling;
  return { result, rssMax, loopMaxMs, gcMaxMs };
}

const MB = 1024 * 1024;
/** how much of a phase the server spent waiting for a core (other processes had them) */
const waitedText = (before: Sample, after: Sample, seconds: number): string =>
  typeof before.waitedS === 'number' && typeof after.waitedS === 'number'
    ? `; server waited for a core ${(((after.waitedS - before.waitedS) / seconds) * 100).toFixed(1)} % of the time`
    : '';
const lagLine = (l: LagStats) =>
  `control lag max ${l.maxLagMs.toFixed(1)} ms, mean ${l.meanLagMs.toFixed(2)} ms over ${l.bins} bins (disorder ${l.disorder})`;

const server = await ServerProcess.start(
  resolve(values.models),
  values.server ? resolve(values.server) : resolve(here, '..', '..', 'pressure-server.js'),
);
const health = (await (
  await fetch(server.url.replace('ws:', 'http:').replace('/stream', '/models'))
).json()) as {
  id: string;
  inputs: { nExc: number; nInh: number };
}[];
const model = health.find((m) => m.id === values.model);
if (!model) throw new Error(`model '${values.model}' is not served from ${values.models}`);
const { nExc, nInh } = model.inputs;
const session = { model: model.id, nExc, nInh };
console.log(`flow-bench: model ${model.id}; server, control and pressure in three processes`);

try {
  {
    // the floor: the control alone, on this machine as loaded as it is
    const control = await realtimeControl(server.url, session);
    const w = await watched(server, new Promise((r) => setTimeout(r, 5000)));
    const lag = await control.stop();
    console.log(
      `baseline, control alone 5 s: ${lagLine(lag)}; server event-loop delay max ${w.loopMaxMs.toFixed(1)} ms, GC pause max ${w.gcMaxMs.toFixed(1)} ms`,
    );
  }
  if (values.only !== 'churn') {
    for (const binary of [true, false]) {
      const control = await realtimeControl(server.url, session);
      await new Promise((r) => setTimeout(r, 1000));
      const base = await server.sample();
      const w = await watched(
        server,
        pressureProcess(pressureClient, 'flood', server.url, {
          ...session,
          binary,
          durationMs: seconds * 1000,
          chunk: 100,
        }),
      );
      const after = await server.sample();
      const lag = await control.stop();
      const f = w.result;
      console.log(
        `flood ${binary ? 'protobuf' : 'JSON'} ${seconds} s: server RSS ${(base.rss / MB).toFixed(0)} → max ${(w.rssMax / MB).toFixed(0)} MB ` +
          `(growth ${((w.rssMax - base.rss) / MB).toFixed(1)} MB); ${lagLine(lag)}; server event-loop delay max ${w.loopMaxMs.toFixed(1)} ms, GC pause max ${w.gcMaxMs.toFixed(1)} ms; ` +
          `flooder: ${f.framesSent} frames sent, ${f.binsAnswered} bins answered, errors ${JSON.stringify(f.errors)}, ` +
          `close answered in ${f.closeMs === null ? 'never' : `${f.closeMs.toFixed(0)} ms`}, server close ${f.serverClose ?? 'none'}` +
          waitedText(base, after, seconds),
      );
    }
  }
  if (values.only !== 'flood') {
    const control = await realtimeControl(server.url, session);
    await new Promise((r) => setTimeout(r, 1000));
    const base = await server.sample();
    const w = await watched(
      server,
      pressureProcess(pressureClient, 'churn', server.url, { ...session, opens, parallel, bins: 200 }),
    );
    const lag = await control.stop();
    const c = w.result;
    console.log(
      `churn: ${c.opens} reference opens, ${parallel} in parallel: ${lagLine(lag)}; server event-loop delay max ${w.loopMaxMs.toFixed(1)} ms, GC pause max ${w.gcMaxMs.toFixed(1)} ms; ` +
        `open → opened max ${c.maxOpenMs.toFixed(1)} ms, mean ${c.meanOpenMs.toFixed(1)} ms; ${c.complete}/${c.opens} sessions got every reference bin; ` +
        `server RSS ${(base.rss / MB).toFixed(0)} → max ${(w.rssMax / MB).toFixed(0)} MB`,
    );
  }
} finally {
  await server.stop();
}
