/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 *
 * Operations of the server: token authentication at the WebSocket upgrade and on /metrics, the
 * connection limits (per address, opens per minute), the idle timeout and the heartbeat, the
 * Prometheus metrics after a short session, and the start-up and session log lines.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { Test } from '@nestjs/testing';
import type { LoggerService } from '@nestjs/common';
import { listen, serverModule, type RunningServer } from '../../../src/streaming/server.js';
import type { StreamingConfig } from '../../../src/streaming/config.js';
import { ReferenceLauncher } from '../../../src/streaming/reference-launcher.js';
import { NeurotwinClient, NeurotwinError } from '../../../clients/sdk/index.js';
import { decodeServer, encodeClientJson } from '../../../proto/codec.js';
import type { ServerMessage } from '../../../proto/messages.js';
import { writeTinyModel } from '../../fixtures/tiny-step-model.js';
import { FakeNeuron } from './fake-neuron.js';

const N_EXC = 8;
const N_INH = 4;
const TOKEN = 'open-sesame';

/** Keeps every log line (message objects rendered as JSON) for the log assertions. */
class CapturedLog implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.keep('log', message, context);
  }
  warn(message: unknown, context?: string): void {
    this.keep('warn', message, context);
  }
  error(message: unknown, context?: string): void {
    this.keep('error', message, context);
  }
  private keep(level: string, message: unknown, context?: string): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.lines.push(`${level} [${context ?? ''}] ${text}`);
  }
}

async function startTestServer(
  modelsDir: string,
  config: Partial<StreamingConfig>,
  logger?: LoggerService,
): Promise<RunningServer> {
  const moduleRef = await Test.createTestingModule({
    imports: [serverModule({ modelsDir, defaultModel: 'tiny', ...config })],
  })
    .overrideProvider(ReferenceLauncher)
    .useValue(new ReferenceLauncher(() => new FakeNeuron(N_EXC, N_INH), false))
    .compile();
  const app = moduleRef.createNestApplication({ logger: logger ?? ['error'] });
  return listen(app, { port: 0, host: '127.0.0.1' });
}

/** A raw socket that records frames and how it closed; `error` set when the upgrade failed. */
interface Probe {
  ws: WebSocket;
  messages: ServerMessage[];
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  /** the HTTP status of a refused upgrade */
  status: Promise<number | null>;
}

function probe(url: string, opts: { headers?: Record<string, string>; autoPong?: boolean } = {}): Probe {
  const ws = new WebSocket(url, { headers: opts.headers, autoPong: opts.autoPong ?? true });
  const messages: ServerMessage[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) =>
    messages.push(decodeServer(isBinary ? new Uint8Array(data) : data.toString())),
  );
  let statusOf: (s: number | null) => void = () => {};
  const status = new Promise<number | null>((r) => (statusOf = r));
  ws.on('unexpected-response', (_req, res) => {
    statusOf(res.statusCode ?? null);
    ws.terminate();
  });
  ws.on('error', () => {});
  const opened = new Promise<boolean>((resolve) => {
    ws.once('open', () => {
      statusOf(null);
      resolve(true);
    });
    ws.once('close', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, messages, opened, closed, status };
}

/** Resolves once `cond` holds (checked every 10 ms); rejects after `ms`. */
async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function errorCodes(messages: ServerMessage[]): string[] {
  return messages.flatMap((m) => ('error' in m ? [m.error.code] : []));
}

/** Value of one sample line of a Prometheus exposition; undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function inputBins(count: number, seed: number) {
  return Array.from({ length: count }, (_, k) => ({
    exc: [(k * 3 + seed) % N_EXC, (k * 5 + seed) % N_EXC],
    inh: k % 4 === 0 ? [(k + seed) % N_INH] : [],
  }));
}

describe('operations: token, connection limits, metrics and logs', () => {
  let dir: string;
  let server: RunningServer;
  const log = new CapturedLog();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-ops-'));
    writeTinyModel(dir, { id: 'tiny', nExc: N_EXC, nInh: N_INH, neuron: 'fake' });
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'manifest.json'), '{"id": "broken", "neuron": ');
    server = await startTestServer(
      dir,
      {
        token: TOKEN,
        maxConnectionsPerAddress: 3,
        maxOpensPerMinute: 2,
        idleTimeoutMs: 0,
        heartbeatMs: 0,
      },
      log,
    );
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bearer = { Authorization: `Bearer ${TOKEN}` };

  it('refuses the upgrade with 401 without a token or with a wrong one', async () => {
    const none = probe(server.url);
    expect(await none.status).toBe(401);
    expect(await none.opened).toBe(false);
    const wrongHeader = probe(server.url, { headers: { Authorization: 'Bearer open-sesamE' } });
    expect(await wrongHeader.status).toBe(401);
    const wrongQuery = probe(`${server.url}?token=${TOKEN}x`);
    expect(await wrongQuery.status).toBe(401);
    const notBearer = probe(server.url, { headers: { Authorization: `Basic ${TOKEN}` } });
    expect(await notBearer.status).toBe(401);
  });

  it('accepts the token as a Bearer header and as a query parameter', async () => {
    for (const p of [probe(server.url, { headers: bearer }), probe(`${server.url}?token=${TOKEN}`)]) {
      expect(await p.opened).toBe(true);
      p.ws.close();
      await p.closed;
    }
  });

  it('the SDK passes its token option', async () => {
    await expect(NeurotwinClient.connect(server.url)).rejects.toBeInstanceOf(NeurotwinError);
    const client = await NeurotwinClient.connect(server.url, { token: TOKEN });
    const opened = await client.open({ model: 'tiny' });
    expect(opened.model.id).toBe('tiny');
    await client.close();
    client.disconnect();
  });

  it('guards /metrics with the token but leaves /health and /models open', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics?token=nope`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/models`)).status).toBe(200);
  });

  it('refuses a connection over the per-address limit with TOO_MANY_CONNECTIONS and close 1013', async () => {
    const held = [probe(server.url, { headers: bearer }), probe(server.url, { headers: bearer })];
    held.push(probe(server.url, { headers: bearer }));
    for (const p of held) expect(await p.opened).toBe(true);
    const extra = probe(server.url, { headers: bearer });
    const closed = await extra.closed;
    expect(closed).toEqual({ code: 1013, reason: 'TOO_MANY_CONNECTIONS' });
    expect(errorCodes(extra.messages)).toEqual(['TOO_MANY_CONNECTIONS']);
    // a slot freed is a slot offered again
    held[0].ws.close();
    await held[0].closed;
    const again = probe(server.url, { headers: bearer });
    expect(await again.opened).toBe(true);
    for (const p of [...held.slice(1), again]) {
      p.ws.close();
      await p.closed;
    }
  });

  it('refuses a third open within a minute on one connection with OPEN_RATE_LIMITED', async () => {
    const client = await NeurotwinClient.connect(server.url, { token: TOKEN, binary: false });
    for (let i = 0; i < 2; i++) {
      await client.open({ model: 'tiny' });
      await client.close();
    }
    const refused = await client.open({ model: 'tiny' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NeurotwinError);
    expect((refused as NeurotwinError).code).toBe('OPEN_RATE_LIMITED');
    // the limit is per connection: a fresh one may open
    const other = await NeurotwinClient.connect(server.url, { token: TOKEN });
    await other.open({ model: 'tiny' });
    await other.close();
    other.disconnect();
    client.disconnect();
  });

  it('exposes the named metrics with the figures of a short session', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const before = await (await fetch(`${base}/metrics`, { headers: bearer })).text();
    const binsBefore = sample(before, 'neurotwin_input_bins_total') ?? 0;
    const refBefore = sample(before, 'neurotwin_output_bins_total{source="reference"}') ?? 0;
    const surBefore = sample(before, 'neurotwin_output_bins_total{source="surrogate"}') ?? 0;
    const client = await NeurotwinClient.connect(server.url, { token: TOKEN });
    await client.open({ model: 'tiny', reference: true });
    const errors: string[] = [];
    client.onError((e) => errors.push(e.code));
    await client.sendBins(0, inputBins(60, 1));
    await client.sendBins(7, inputBins(5, 2)); // out of order: BIN_ORDER
    await client.sendBins(60, inputBins(40, 3));
    const during = await (await fetch(`${base}/metrics`, { headers: bearer })).text();
    expect(sample(during, 'neurotwin_sessions_open')).toBe(1);
    expect(sample(during, 'neurotwin_connections_open')).toBeGreaterThanOrEqual(1);
    const summary = await client.close();
    expect(summary.bins).toBe(100);
    expect(errors).toEqual(['BIN_ORDER']);
    const text = await (await fetch(`${base}/metrics`, { headers: bearer })).text();
    client.disconnect();
    expect(sample(text, 'neurotwin_sessions_open')).toBe(0);
    expect(sample(text, 'neurotwin_input_bins_total')! - binsBefore).toBe(100);
    expect(sample(text, 'neurotwin_output_bins_total{source="surrogate"}')! - surBefore).toBe(100);
    expect(sample(text, 'neurotwin_output_bins_total{source="reference"}')! - refBefore).toBe(100);
    expect(sample(text, 'neurotwin_sessions_opened_total{model="tiny",reference="on"}')).toBe(1);
    expect(sample(text, 'neurotwin_sessions_closed_total{reason="close"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'neurotwin_errors_total{code="BIN_ORDER"}')).toBe(1);
    expect(sample(text, 'neurotwin_errors_total{code="TOO_MANY_CONNECTIONS"}')).toBe(1);
    expect(sample(text, 'neurotwin_errors_total{code="OPEN_RATE_LIMITED"}')).toBe(1);
    expect(sample(text, 'neurotwin_connections_refused_total{code="TOO_MANY_CONNECTIONS"}')).toBe(1);
    // every run steps ≥ 1 row; 100 bins of one stream (plus the other tests' sessions) take ≥ 100 runs
    const runs = sample(text, 'neurotwin_inference_batch_rows_count{model="tiny"}')!;
    expect(runs).toBeGreaterThanOrEqual(100);
    expect(sample(text, 'neurotwin_inference_batch_rows_sum{model="tiny"}')).toBeGreaterThanOrEqual(runs);
    expect(sample(text, 'neurotwin_inference_step_seconds_count{model="tiny"}')).toBe(runs);
    const stepSum = sample(text, 'neurotwin_inference_step_seconds_sum{model="tiny"}')!;
    expect(stepSum).toBeGreaterThan(0);
    expect(stepSum / runs).toBeLessThan(1);
    for (const series of [
      'neurotwin_input_queue_bins{stat="sum"}',
      'neurotwin_input_queue_bins{stat="max"}',
      'neurotwin_reference_lag_bins{stat="min"}',
      'neurotwin_reference_lag_bins{stat="max"}',
    ])
      expect(sample(text, series)).toBe(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
  });

  it('logs the served models, the broken manifest, and one line per session open and close', () => {
    const startup = log.lines.filter((l) => l.includes('[Startup]'));
    expect(startup.some((l) => /^log .*models served .*count=1 models=tiny default=tiny/.test(l))).toBe(true);
    expect(startup.some((l) => /^warn .*model skipped dir=\S*broken reason=.*manifest\.json/.test(l))).toBe(
      true,
    );
    const sessions = log.lines.filter((l) => l.includes('[Sessions]'));
    const opens = sessions.filter((l) => l.includes('session open '));
    const closes = sessions.filter((l) => l.includes('session close '));
    expect(opens.length).toBeGreaterThanOrEqual(5);
    expect(closes.length).toBe(opens.length);
    expect(
      opens.some((l) => /session=s\d+ model=tiny neurons=1 reference=fake clock=ASAP address=\S+/.test(l)),
    ).toBe(true);
    expect(
      closes.some((l) => /model=tiny neurons=1 reference=on bins=100 durationMs=\d+ reason=close/.test(l)),
    ).toBe(true);
    // nothing per frame: the session lines are the opens and closes, the BIN_ORDER chunk left none
    expect(sessions.length).toBe(opens.length + closes.length);
    expect(log.lines.filter((l) => l.includes('BIN_ORDER'))).toEqual([]);
  });
});

describe('operations: idle timeout and heartbeat', () => {
  let dir: string;
  let idleServer: RunningServer;
  let heartbeatServer: RunningServer;
  const log = new CapturedLog();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-ops-idle-'));
    writeTinyModel(dir, { id: 'tiny', nExc: N_EXC, nInh: N_INH, neuron: 'fake' });
    idleServer = await startTestServer(dir, { idleTimeoutMs: 400, heartbeatMs: 0, logFormat: 'json' }, log);
    // Nest's loggers are process-wide: the last application's logger serves both
    heartbeatServer = await startTestServer(dir, { idleTimeoutMs: 0, heartbeatMs: 150 }, log);
  });
  afterAll(async () => {
    await idleServer.close();
    await heartbeatServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes an idle connection with IDLE_TIMEOUT first, and logs the session it held', async () => {
    const p = probe(idleServer.url);
    expect(await p.opened).toBe(true);
    p.ws.send(encodeClientJson({ open: { model: 'tiny', reference: false, clock: 'ASAP' } }));
    const closed = await p.closed;
    expect(closed).toEqual({ code: 1000, reason: 'IDLE_TIMEOUT' });
    expect(p.messages.map((m) => Object.keys(m)[0])).toEqual(['opened', 'error']);
    expect(errorCodes(p.messages)).toEqual(['IDLE_TIMEOUT']);
    const closeLine = () => log.lines.find((l) => l.includes('"event":"session close"'));
    await until(() => closeLine() !== undefined, 'the session close line');
    const close = closeLine();
    expect(JSON.parse(close!.replace(/^\S+ \[\S*\] /, ''))).toMatchObject({
      event: 'session close',
      model: 'tiny',
      bins: 0,
      reason: 'idle-timeout',
    });
  });

  it('keeps a connection that streams, however long', async () => {
    const client = await NeurotwinClient.connect(idleServer.url);
    await client.open({ model: 'tiny' });
    let next = 0;
    // 1.2 s of traffic: three idle timeouts long
    for (let i = 0; i < 12; i++) {
      await client.sendBins(next, inputBins(10, i));
      next += 10;
      await new Promise((r) => setTimeout(r, 100));
    }
    const summary = await client.close();
    expect(summary.bins).toBe(120);
    client.disconnect();
  });

  it('drops a connection that does not answer pings (HEARTBEAT_TIMEOUT, then terminated)', async () => {
    // neither sends a frame (any frame from a client also proves it alive): only pongs can
    const silent = probe(heartbeatServer.url, { autoPong: false });
    const answering = probe(heartbeatServer.url);
    expect(await silent.opened).toBe(true);
    expect(await answering.opened).toBe(true);
    const closed = await silent.closed;
    // the answering one outlives three more heartbeats
    await new Promise((r) => setTimeout(r, 450));
    expect(closed.code).toBe(1006);
    expect(errorCodes(silent.messages)).toContain('HEARTBEAT_TIMEOUT');
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    answering.ws.close();
    await answering.closed;
  });
});
