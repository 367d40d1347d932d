/**
 * Soak test of the streaming server: N sessions stream input at the real-time rate for M minutes
 * (half with the REALTIME clock, half ASAP, every k-th with the reference neuron), each session
 * closing after --session-seconds and a new one taking its place on a new connection. Every
 * --interval seconds one line: the server's RSS and heap (from its /metrics), sessions open, the
 * REALTIME sessions' lateness against their own schedule, the ASAP sessions' chunk round trip and
 * the reference lag; at the end a summary (RSS min/max/change, lag p50/p99/max, idle RSS before
 * and after). Starts its own server (`neurotwin serve` in a child process) unless --url is given.
 *
 *   npm run soak -- --minutes 30 --sessions 100
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { NeurotwinClient, type OutputChunkMsg } from '../../clients/sdk/index.js';
import type { SpikeBin } from '../../proto/messages.js';
import { benchInputs } from '../../src/cli/bench-inputs.js';
import { fail, numberArg, scriptArgs } from './script-args.js';
import { percentile } from '../../src/core/percentile.js';

const USAGE = `
usage: node dist/benchmarks/scripts/soak.js (npm run soak --) [--minutes 30] [--sessions 100]
         [--url ws://HOST:PORT/stream] [--token T] [--model if-paper] [--interval 10]
         [--session-seconds 60] [--reference-every 20] [--chunk 50] [--lead 100] [--warm-up 2]
  --url              soak a running server (its limits must admit the sessions); default: start one
  --interval         seconds between report lines
  --session-seconds  each session closes after this and a new one opens on a new connection
  --reference-every  every k-th session runs the reference neuron too (0: none)
  --chunk            bins per input chunk; --lead: ms of input sent ahead of the wall clock
  --warm-up          minutes before the steady state (the first sessions all open at once, and a
                     session lives --session-seconds): the summary's steady-state RSS starts after it
`;

const { values } = scriptArgs(USAGE, {
  minutes: { type: 'string' },
  sessions: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  model: { type: 'string' },
  interval: { type: 'string' },
  'session-seconds': { type: 'string' },
  'reference-every': { type: 'string' },
  chunk: { type: 'string' },
  lead: { type: 'string' },
  'warm-up': { type: 'string' },
});

const MINUTES = numberArg('--minutes', values.minutes, 30, { min: 0.05 });
const SESSIONS = numberArg('--sessions', values.sessions, 100, { min: 1, integer: true });
const INTERVAL_S = numberArg('--interval', values.interval, 10, { min: 1 });
const SESSION_S = numberArg('--session-seconds', values['session-seconds'], 60, { min: 1 });
const REFERENCE_EVERY = numberArg('--reference-every', values['reference-every'], 20, {
  min: 0,
  integer: true,
});
const CHUNK = numberArg('--chunk', values.chunk, 50, { min: 1, integer: true });
const LEAD_MS = numberArg('--lead', values.lead, 100, { min: 0 });
const WARM_UP_MIN = numberArg('--warm-up', values['warm-up'], 2, { min: 0 });
const MODEL = values.model ?? 'if-paper';
const TOKEN = values.token ?? process.env.NEUROTWIN_TOKEN;
/** input pattern length (bins), cycled; a multiple of the chunk */
const PATTERN_BINS = Math.ceil(10_000 / CHUNK) * CHUNK;
/** send times of the last chunks of a session, by chunk index modulo this */
const SENT_RING = 4096;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Server {
  url: string;
  child: ChildProcess | null;
  log: string | null;
}

/** Starts `neurotwin serve` on a free loopback port with limits that admit the soak's sessions. */
function startServerProcess(): Promise<Server> {
  const log = join(tmpdir(), `neurotwin-soak-server-${process.pid}.log`);
  const out = createWriteStream(log);
  const n = String(SESSIONS + 8);
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/neurotwin.js'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--max-sessions',
      n,
      '--max-connections',
      String(2 * SESSIONS + 8),
      '--max-connections-per-address',
      String(2 * SESSIONS + 8),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(TOKEN ? { NEUROTWIN_TOKEN: TOKEN } : {}) },
    },
  );
  child.stderr.pipe(out);
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      out.write(d);
      text += d.toString();
      const m = /streaming on (ws:\/\/\S+\/stream)/.exec(text);
      if (m) resolve({ url: m[1], child, log });
    });
    child.once('exit', (code) => reject(new Error(`the server exited (code ${code}); its log: ${log}`)));
  });
}

function httpBase(url: string): string {
  const u = new URL(url);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

interface ServerSample {
  rssBytes: number;
  heapBytes: number;
  sessions: number;
  queueMax: number;
  referenceLagMax: number;
}

async function scrape(base: string): Promise<ServerSample> {
  const res = await fetch(`${base}/metrics`, {
    headers: TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET /metrics: ${res.status} ${res.statusText}`);
  const text = await res.text();
  const get = (series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? NaN : Number(line.slice(series.length + 1));
  };
  return {
    rssBytes: get('process_resident_memory_bytes'),
    heapBytes: get('nodejs_heap_size_used_bytes'),
    sessions: get('neurotwin_sessions_open'),
    queueMax: get('neurotwin_input_queue_bins{stat="max"}'),
    referenceLagMax: get('neurotwin_reference_lag_bins{stat="max"}'),
  };
}

async function modelInputs(base: string): Promise<{ nExc: number; nInh: number }> {
  const res = await fetch(`${base}/models`);
  const models = (await res.json()) as { id: string; inputs: { nExc: number; nInh: number } }[];
  const m = models.find((x) => x.id === MODEL);
  if (!m)
    fail(`the server has no model '${MODEL}' (it has: ${models.map((x) => x.id).join(', ') || 'none'})`);
  return m.inputs;
}

/** Figures gathered between two report lines, and over the whole run. */
class Figures {
  realtimeLateMs: number[] = [];
  asapRoundTripMs: number[] = [];
  referenceLagBins = -Infinity;
  bins = 0;
  errors = new Map<string, number>();
}

class SoakSession {
  private readonly client: NeurotwinClient;
  private readonly sentAt = new Float64Array(SENT_RING);
  private next = 0;
  private start = 0;
  /** smallest (arrival − bin index) seen: the session's schedule origin as the client sees it */
  private origin = Infinity;

  private constructor(
    client: NeurotwinClient,
    private readonly realtime: boolean,
    private readonly reference: boolean,
    private readonly bins: SpikeBin[],
    private readonly figures: () => Figures,
  ) {
    this.client = client;
  }

  static async open(
    url: string,
    slot: number,
    bins: SpikeBin[],
    figures: () => Figures,
  ): Promise<SoakSession> {
    const client = await NeurotwinClient.connect(url, TOKEN ? { token: TOKEN } : {});
    const realtime = slot % 2 === 1;
    const reference = REFERENCE_EVERY > 0 && slot % REFERENCE_EVERY === 0;
    await client.open({ model: MODEL, clock: realtime ? 'REALTIME' : 'ASAP', reference });
    const s = new SoakSession(client, realtime, reference, bins, figures);
    client.onOutput((c) => s.output(c));
    client.onError((e) => {
      const f = figures();
      f.errors.set(e.code, (f.errors.get(e.code) ?? 0) + 1);
    });
    s.start = performance.now();
    return s;
  }

  /** Sends every chunk due by now (input runs LEAD_MS ahead of the wall clock). */
  pump(now: number): void {
    const due = now - this.start + LEAD_MS;
    while (this.next < due) {
      const from = this.next % PATTERN_BINS;
      this.sentAt[Math.floor(this.next / CHUNK) % SENT_RING] = now;
      // a send fails only when the connection ended, which the soak reports through its errors
      this.client.sendBins(this.next, this.bins.slice(from, from + CHUNK)).catch(() => undefined);
      this.next += CHUNK;
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.close();
    } finally {
      this.client.disconnect();
    }
  }

  private output(c: OutputChunkMsg): void {
    const now = performance.now();
    const f = this.figures();
    const last = c.firstBin + c.voltage.length - 1;
    if (this.reference) f.referenceLagBins = Math.max(f.referenceLagBins, c.referenceLagBins);
    if (c.source === 'REFERENCE') return;
    f.bins += c.voltage.length;
    if (this.realtime) {
      this.origin = Math.min(this.origin, now - last);
      f.realtimeLateMs.push(now - last - this.origin);
    } else if ((last + 1) % CHUNK === 0) {
      f.asapRoundTripMs.push(now - this.sentAt[Math.floor(last / CHUNK) % SENT_RING]);
    }
  }
}

/**
 * One short session (with the reference when any session has one) before the idle sample, so that
 * the model, onnxruntime and a reference are loaded once: idle RSS before and after then compare
 * like with like.
 */
async function warmUp(url: string, bins: SpikeBin[]): Promise<void> {
  const client = await NeurotwinClient.connect(url, TOKEN ? { token: TOKEN } : {});
  await client.open({ model: MODEL, reference: REFERENCE_EVERY > 0 });
  for (let k = 0; k < 1000; k += CHUNK) await client.sendBins(k, bins.slice(k, k + CHUNK));
  await client.close();
  client.disconnect();
  await new Promise((r) => setTimeout(r, 2000));
}

function lagText(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} p99 ${percentile(s, 99).toFixed(1)} max ${(s.at(-1) ?? NaN).toFixed(1)} ms`;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main(): Promise<void> {
  const server: Server = values.url
    ? { url: values.url, child: null, log: null }
    : await startServerProcess();
  const base = httpBase(server.url);
  const { nExc, nInh } = await modelInputs(base);
  const inputs = benchInputs(nExc, nInh, PATTERN_BINS, 8, 11, 5).patterns;
  const patterns: SpikeBin[][] = inputs.map((f) =>
    Array.from({ length: f.count }, (_, k) => ({
      exc: f.exc.ids.subarray(f.excOffsets[k], f.excOffsets[k + 1]),
      inh: f.inh.ids.subarray(f.inhOffsets[k], f.inhOffsets[k + 1]),
    })),
  );
  await warmUp(server.url, patterns[0]);
  const idleBefore = await scrape(base);
  process.stdout.write(
    `soak: ${SESSIONS} sessions of ${MODEL} for ${MINUTES} min on ${server.url}` +
      `${server.log ? ` (server log ${server.log})` : ''}; idle RSS after a warm-up session ${mb(idleBefore.rssBytes)}\n`,
  );

  let interval = new Figures();
  const total = new Figures();
  const current = () => interval;
  const endAt = performance.now() + MINUTES * 60_000;
  const live = new Set<SoakSession>();
  let stopping = false;
  let sessionsRun = 0;

  const slot = async (i: number) => {
    // spread the opens over one second so that they do not all land at once
    await new Promise((r) => setTimeout(r, (i / SESSIONS) * 1000));
    while (!stopping && performance.now() < endAt) {
      let s: SoakSession;
      try {
        s = await SoakSession.open(server.url, i, patterns[i % patterns.length], current);
      } catch (err) {
        // a refused open (a limit, a connection failure) is counted and retried a second later
        const code = (err as { code?: string }).code ?? 'OPEN_FAILED';
        interval.errors.set(code, (interval.errors.get(code) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      sessionsRun++;
      live.add(s);
      await new Promise((r) =>
        setTimeout(r, Math.min(SESSION_S * 1000, Math.max(0, endAt - performance.now()))),
      );
      live.delete(s);
      await s.close();
    }
  };
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const s of live) s.pump(now);
  }, 10);

  const rss: number[] = [];
  const rssAtS: number[] = [];
  const startedAt = performance.now();
  const reporter = setInterval(() => {
    void (async () => {
      const f = interval;
      interval = new Figures();
      const sample = await scrape(base);
      rss.push(sample.rssBytes);
      rssAtS.push((performance.now() - startedAt) / 1000);
      // a loop, not push(...xs): an interval holds far more samples than a call may take arguments
      for (const v of f.realtimeLateMs) total.realtimeLateMs.push(v);
      for (const v of f.asapRoundTripMs) total.asapRoundTripMs.push(v);
      total.referenceLagBins = Math.max(total.referenceLagBins, f.referenceLagBins);
      total.bins += f.bins;
      for (const [code, n] of f.errors) total.errors.set(code, (total.errors.get(code) ?? 0) + n);
      const t = (performance.now() - startedAt) / 1000;
      process.stdout.write(
        `t=${t.toFixed(0).padStart(5)} s  rss ${mb(sample.rssBytes)}  heap ${mb(sample.heapBytes)}  sessions ${sample.sessions}` +
          `  realtime late ${lagText(f.realtimeLateMs)}  asap round trip ${lagText(f.asapRoundTripMs)}` +
          `  ref lag max ${Number.isFinite(f.referenceLagBins) ? f.referenceLagBins : '-'} bins` +
          `  queue max ${sample.queueMax} bins  ${Math.round(f.bins / INTERVAL_S)} bins/s` +
          `${f.errors.size ? `  errors ${JSON.stringify(Object.fromEntries(f.errors))}` : ''}\n`,
      );
    })().catch((err: Error) => process.stderr.write(`soak: report failed: ${err.message}\n`));
  }, INTERVAL_S * 1000);

  const slots = Array.from({ length: SESSIONS }, (_, i) => slot(i));
  await Promise.all(slots).finally(() => {
    stopping = true;
    clearInterval(ticker);
    clearInterval(reporter);
  });
  // the server settles: sessions closed, one more idle sample
  await new Promise((r) => setTimeout(r, 3000));
  const idleAfter = await scrape(base);

  const rssMin = Math.min(...rss);
  const rssMax = Math.max(...rss);
  const first = rss[0];
  const last = rss.at(-1)!;
  process.stdout.write(
    [
      `summary: ${sessionsRun} sessions over ${MINUTES} min, ${rss.length} samples, ${total.bins} surrogate bins received`,
      `  RSS under load: first ${mb(first)}, last ${mb(last)}, min ${mb(rssMin)}, max ${mb(rssMax)}; ` +
        `last vs first ${(((last - first) / first) * 100).toFixed(1)} %, (max − min) / min ${(((rssMax - rssMin) / rssMin) * 100).toFixed(1)} %`,
      steadyStateLine(rss, rssAtS),
      `  idle RSS before (after a warm-up session) ${mb(idleBefore.rssBytes)}, after ${mb(idleAfter.rssBytes)}: ` +
        `${(((idleAfter.rssBytes - idleBefore.rssBytes) / idleBefore.rssBytes) * 100).toFixed(1)} % (sessions open after: ${idleAfter.sessions})`,
      `  REALTIME lateness ${lagText(total.realtimeLateMs)} (${total.realtimeLateMs.length} chunks)`,
      `  ASAP chunk round trip ${lagText(total.asapRoundTripMs)} (${total.asapRoundTripMs.length} chunks)`,
      `  reference lag max ${Number.isFinite(total.referenceLagBins) ? total.referenceLagBins : '-'} bins`,
      `  errors: ${total.errors.size ? JSON.stringify(Object.fromEntries(total.errors)) : 'none'}`,
    ].join('\n') + '\n',
  );
  if (server.child) {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child!.once('exit', r));
  }
}

/**
 * RSS after the warm-up: its mean, the extremes as a deviation from that mean, and its drift (the
 * least-squares slope, per 10 minutes, as a share of the mean).
 */
function steadyStateLine(rss: number[], atS: number[]): string {
  const from = atS.findIndex((t) => t >= WARM_UP_MIN * 60);
  if (from < 0 || rss.length - from < 2)
    return `  steady-state RSS: too few samples after the ${WARM_UP_MIN}-min warm-up`;
  const xs = atS.slice(from);
  const ys = rss.slice(from);
  const n = ys.length;
  const mean = ys.reduce((a, b) => a + b, 0) / n;
  const meanT = xs.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - meanT) * (ys[i] - mean);
    sxx += (xs[i] - meanT) ** 2;
  }
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${((v / mean) * 100).toFixed(1)} %`;
  const low = Math.min(...ys) - mean;
  const high = Math.max(...ys) - mean;
  return (
    `  steady-state RSS (after ${WARM_UP_MIN} min, ${n} samples): mean ${mb(mean)}, min ${pct(low)}, max ${pct(high)} of the mean ` +
    `(within ±10 %: ${Math.max(-low, high) <= 0.1 * mean ? 'yes' : 'no'}); drift ${pct((sxy / sxx) * 600)} per 10 min`
  );
}

await main();
