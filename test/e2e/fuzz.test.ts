/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 *
 * Fuzzing the real server: over 10,000 seeded malformed frames (frame-fuzzer.ts) on three sockets,
 * each frame sent once its predecessor was answered, so that every answer belongs to one frame.
 * Two fuzz sockets hold an open session (tiny model, ASAP, no reference), one has none, so a frame
 * that happens to be valid gets its documented answer: an output chunk for an accepted input chunk,
 * `closed` for a close (the test then opens again), `opened` for an open on the socket without a
 * session (the test then closes it), an error code for anything else; never INTERNAL, never a
 * second answer (checked with a sentinel frame every SENTINEL_EVERY frames) and never a closed
 * socket. Meanwhile a control session on a third socket streams and must get exactly the outputs
 * of the model's equations. Frames over the socket layer's 16 MiB limit close their socket (1009)
 * and are logged one line each, at most 10 per interval.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/streaming/server.js';
import { HARD_FRAME_LIMIT_BYTES } from '../../src/streaming/config.js';
import { NeurotwinClient, type OutputChunkMsg } from '../../clients/sdk/index.js';
import { decodeServer } from '../../proto/codec.js';
import type { ServerMessage, SpikeBin } from '../../proto/messages.js';
import { Rng } from '../../src/core/rng.js';
import { tinyModelReference, writeTinyModel } from '../fixtures/tiny-step-model.js';
import { FrameFuzzer, type FuzzFrame } from '../fixtures/frame-fuzzer.js';

const N_EXC = 8;
const N_INH = 4;
const FRAMES_PER_SOCKET = 3_500;
const SENTINEL_EVERY = 250;
const ANSWER_TIMEOUT_MS = 10_000;
/** longest error text: the fixed wording plus at most 200 echoed characters */
const MAX_ERROR_MESSAGE = 400;

/** A socket that sends one frame and waits for its answer. */
class LockstepSocket {
  private readonly inbox: ServerMessage[] = [];
  private wake: (() => void) | null = null;
  closedWith: number | null = null;
  /** whether the last message came in a text frame */
  lastWasText = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // the SDK's decoder must read every server message
      this.inbox.push(decodeServer(isBinary ? new Uint8Array(data) : data.toString()));
      this.lastWasText = !isBinary;
      this.wake?.();
    });
    ws.on('close', (code) => {
      this.closedWith = code;
      this.wake?.();
    });
  }

  static open(url: string): Promise<LockstepSocket> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LockstepSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(frame: FuzzFrame): void {
    const binary = typeof frame.data !== 'string' && !frame.text;
    this.ws.send(frame.data, { binary });
  }

  async answer(what: string): Promise<ServerMessage> {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (this.inbox.length === 0) {
      if (this.closedWith !== null) throw new Error(`socket closed (${this.closedWith}) after ${what}`);
      if (Date.now() > deadline) throw new Error(`no answer to ${what}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
      this.wake = null;
    }
    return this.inbox.shift()!;
  }

  get pending(): number {
    return this.inbox.length;
  }

  async openSession(): Promise<void> {
    this.ws.send(JSON.stringify({ open: { model: 'tiny', clock: 'ASAP' } }));
    const a = await this.answer('the fuzz session open');
    if (!('opened' in a)) throw new Error(`fuzz session did not open: ${JSON.stringify(a)}`);
  }
}

function describeFrame(f: FuzzFrame): string {
  const d = f.data;
  const shown =
    typeof d === 'string' ? JSON.stringify(d.slice(0, 120)) : Buffer.from(d.subarray(0, 60)).toString('hex');
  return `${f.kind} frame ${shown}`;
}

interface FuzzTally {
  frames: number;
  answers: number;
  byAnswer: Map<string, number>;
  byKind: Map<string, number>;
  internal: string[];
  longMessages: string[];
}

/**
 * `held`: the socket keeps a session open throughout (reopened after a close), so valid frames are
 * chunks and closes of a real session. `none`: no session, so valid opens open one (the test closes
 * it at once) and chunks or closes are NOT_OPEN.
 */
async function fuzzSocket(url: string, seed: number, mode: 'held' | 'none', tally: FuzzTally): Promise<void> {
  const s = await LockstepSocket.open(url);
  if (mode === 'held') await s.openSession();
  const fuzzer = new FrameFuzzer(seed, N_EXC, N_INH);
  for (let i = 1; i <= FRAMES_PER_SOCKET; i++) {
    const frame = fuzzer.next();
    s.send(frame);
    const a = await s.answer(describeFrame(frame));
    tally.frames++;
    tally.answers++;
    tally.byKind.set(frame.kind, (tally.byKind.get(frame.kind) ?? 0) + 1);
    let label: string;
    if ('error' in a) {
      label = a.error.code;
      if (a.error.code === 'INTERNAL') tally.internal.push(`${describeFrame(frame)}: ${a.error.message}`);
      if (a.error.message.length > MAX_ERROR_MESSAGE)
        tally.longMessages.push(`${a.error.code} of ${a.error.message.length} chars`);
    } else if ('outputChunk' in a && mode === 'held') {
      // an input chunk that is valid as mutated: its one surrogate chunk (ASAP: never split)
      if (a.outputChunk.source !== 'SURROGATE') throw new Error('a reference chunk in a session without one');
      label = 'outputChunk';
    } else if ('closed' in a && mode === 'held') {
      label = 'closed';
      await s.openSession();
    } else if ('opened' in a && mode === 'none') {
      label = 'opened';
      s.ws.send(JSON.stringify({ close: {} }));
      const closed = await s.answer(`the close after ${describeFrame(frame)}`);
      if (!('closed' in closed)) throw new Error(`no closed after an open: ${JSON.stringify(closed)}`);
    } else throw new Error(`unexpected answer ${JSON.stringify(a).slice(0, 300)} to ${describeFrame(frame)}`);
    tally.byAnswer.set(label, (tally.byAnswer.get(label) ?? 0) + 1);
    if (i % SENTINEL_EVERY === 0) {
      // nothing may be left over: the next answer must be the sentinel's
      const name = `sentinel-${seed}-${i}`;
      s.ws.send(JSON.stringify({ [name]: {} }));
      const back = await s.answer(name);
      if (!('error' in back) || !back.error.message.includes(name))
        throw new Error(`extra answer before sentinel ${name}: ${JSON.stringify(back).slice(0, 300)}`);
    }
  }
  expect(s.pending).toBe(0);
  expect(s.closedWith).toBeNull();
  s.ws.close();
}

/** Streams `input` in chunks until `until` settles; returns the bins it sent and the outputs. */
async function controlSession(url: string, until: Promise<unknown>) {
  const client = await NeurotwinClient.connect(url, { binary: false });
  await client.open({ model: 'tiny' });
  const rng = new Rng(2024);
  const sent: SpikeBin[] = [];
  const outputs: OutputChunkMsg[] = [];
  let done = false;
  const stop = () => (done = true);
  until.then(stop, stop);
  const it = client.outputs()[Symbol.asyncIterator]();
  while (!done || sent.length < 400) {
    const chunk = Array.from({ length: 20 }, () => ({
      exc: Array.from({ length: rng.uniformInt(4) }, () => rng.uniformInt(N_EXC)),
      inh: Array.from({ length: rng.uniformInt(2) }, () => rng.uniformInt(N_INH)),
    }));
    client.sendBins(sent.length, chunk);
    sent.push(...chunk);
    let got = 0;
    while (got < chunk.length) {
      const next = await it.next();
      if (next.done) throw new Error('control stream ended');
      outputs.push(next.value);
      got += next.value.voltage.length;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await client.close();
  client.disconnect();
  return { sent, outputs };
}

/** Everything the server writes to stdout/stderr while `f` runs. */
async function capturingLogs<T>(f: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    return { result: await f(), lines };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('fuzzing the stream with malformed frames', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-fuzz-'));
    writeTinyModel(dir, { id: 'tiny', nExc: N_EXC, nInh: N_INH });
    server = await startServer({ modelsDir: dir, port: 0, host: '127.0.0.1', logLevels: ['error', 'warn'] });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every frame once with a code (never INTERNAL) while a control session streams on', async () => {
    const tally: FuzzTally = {
      frames: 0,
      answers: 0,
      byAnswer: new Map(),
      byKind: new Map(),
      internal: [],
      longMessages: [],
    };
    const t0 = performance.now();
    const { result, lines } = await capturingLogs(async () => {
      const fuzz = Promise.all([
        fuzzSocket(server.url, 11, 'held', tally),
        fuzzSocket(server.url, 12, 'held', tally),
        fuzzSocket(server.url, 13, 'none', tally),
      ]);
      const control = controlSession(server.url, fuzz);
      await fuzz;
      return control;
    });
    const seconds = (performance.now() - t0) / 1000;
    const sorted = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    console.log(
      `fuzz: ${tally.frames} frames, ${tally.answers} answers, ${tally.internal.length} INTERNAL, ` +
        `${seconds.toFixed(1)} s; answers: ${sorted(tally.byAnswer)}; frames: ${sorted(tally.byKind)}; ` +
        `control: ${result.sent.length} bins; server log lines: ${lines.length}`,
    );
    expect(tally.frames).toBeGreaterThanOrEqual(10_000);
    expect(tally.answers).toBe(tally.frames);
    expect(tally.internal).toEqual([]);
    expect(tally.longMessages).toEqual([]);
    // a frame is never worth a stack trace
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(20);

    // the control session: contiguous, and exactly the model's outputs for its input
    let next = 0;
    for (const c of result.outputs) {
      expect(c.firstBin).toBe(next);
      next += c.voltage.length;
    }
    expect(next).toBe(result.sent.length);
    const want = tinyModelReference(result.sent);
    const voltage = result.outputs.flatMap((c) => Array.from(c.voltage));
    const prob = result.outputs.flatMap((c) => Array.from(c.spikeProb));
    const worst = voltage.reduce((m, v, i) => Math.max(m, Math.abs(v - want.voltage[i])), 0);
    const worstProb = prob.reduce((m, p, i) => Math.max(m, Math.abs(p - want.spikeProb[i])), 0);
    expect(worst).toBeLessThan(1e-3);
    expect(worstProb).toBeLessThan(1e-5);
  });

  it("answers each parsing defect of issue 9 with its documented code, in the frame's encoding", async () => {
    const s = await LockstepSocket.open(server.url);
    const ask = async (data: string | Uint8Array, text = false) => {
      s.send({ data, text, kind: 'defect' });
      const a = await s.answer(typeof data === 'string' ? data.slice(0, 80) : 'bytes');
      return {
        ...('error' in a ? a.error : { code: Object.keys(a)[0], message: '' }),
        asText: s.lastWasText,
      };
    };
    const deep = `{"inputChunk":{"bins":[{"exc":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}}`;
    expect(await ask(deep)).toMatchObject({ code: 'BAD_FRAME', asText: true });
    const utf8 = await ask(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x7b, 0x7d, 0x7d]), true);
    expect(utf8).toMatchObject({ code: 'BAD_FRAME', message: 'text frame is not valid UTF-8', asText: true });
    expect(await ask('{"open":{"model":"tiny","clock":"asap"}}')).toMatchObject({ code: 'BAD_OPEN' });
    expect(await ask('{"open":{"model":"tiny","colour":1}}')).toMatchObject({ code: 'BAD_FRAME' });
    expect((await ask('{"open":{"model":"tiny"}}')).code).toBe('opened');
    expect(await ask('{"inputChunk":{"firstBin":"0","bins":[{}]}}')).toMatchObject({ code: 'BAD_FRAME' });
    expect(await ask(`{"inputChunk":{"firstBin":${2 ** 32},"bins":[{}]}}`)).toMatchObject({
      code: 'BAD_FRAME',
    });
    expect(await ask(`{"inputChunk":{"bins":[{"exc":[${2 ** 32 + 3}]}]}}`)).toMatchObject({
      code: 'BAD_FRAME',
    });
    expect(await ask('{"inputChunk":{"firstBin":0,"bins":[]}}')).toMatchObject({ code: 'EMPTY_CHUNK' });
    // protobuf: first_bin 2^32, and first_bin sent length-delimited: errors in protobuf
    expect(
      await ask(new Uint8Array([0x12, 0x08, 0x08, 0x80, 0x80, 0x80, 0x80, 0x10, 0x12, 0x00])),
    ).toMatchObject({
      code: 'BAD_FRAME',
      asText: false,
    });
    expect(await ask(new Uint8Array([0x12, 0x03, 0x0a, 0x01, 0x00]))).toMatchObject({ code: 'BAD_FRAME' });
    // the session is intact: bin 0 is still the next one
    expect((await ask('{"inputChunk":{"firstBin":0,"bins":[{"exc":[1]}]}}')).code).toBe('outputChunk');
    expect((await ask('{"close":{}}')).code).toBe('closed');
    expect(s.closedWith).toBeNull();
    s.ws.close();
  });

  it('answers a huge model name with its name cut to 200 characters', async () => {
    const s = await LockstepSocket.open(server.url);
    s.ws.send(JSON.stringify({ open: { model: 'q'.repeat(500_000) } }));
    const a = await s.answer('an open with a 500,000-character model');
    expect('error' in a && a.error.code).toBe('UNKNOWN_MODEL');
    if ('error' in a) {
      expect(a.error.message.length).toBeLessThan(MAX_ERROR_MESSAGE);
      expect(a.error.message).toContain('q'.repeat(200));
      expect(a.error.message).not.toContain('q'.repeat(201));
    }
    s.ws.close();
  });

  it('closes sockets that send frames over 16 MiB with 1009 and logs them without stack traces, rate-limited', async () => {
    const huge = new Uint8Array(HARD_FRAME_LIMIT_BYTES + 1);
    const { result: codes, lines } = await capturingLogs(async () => {
      const out: (number | null)[] = [];
      for (let i = 0; i < 14; i++) {
        const s = await LockstepSocket.open(server.url);
        s.ws.on('error', () => undefined); // the server may reset while the frame is still going out
        s.ws.send(huge);
        await s.answer('a frame over 16 MiB').catch(() => undefined);
        out.push(s.closedWith);
      }
      return out;
    });
    expect(codes.every((c) => c === 1009 || c === 1006)).toBe(true);
    expect(codes.filter((c) => c === 1009).length).toBeGreaterThan(0);
    const socketErrors = lines.filter((l) => l.includes('socket error'));
    expect(socketErrors.length).toBeGreaterThan(0);
    expect(socketErrors.length).toBeLessThanOrEqual(10);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  });
});
