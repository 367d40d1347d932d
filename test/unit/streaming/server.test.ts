/**
 * @jest-environment ./test/fixtures/ort-test-environment.mjs
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { Test } from '@nestjs/testing';
import { listen, serverModule, type RunningServer } from '../../../src/streaming/server.js';
import { ReferenceLauncher } from '../../../src/streaming/reference-launcher.js';
import {
  NeurotwinClient,
  NeurotwinError,
  neuronOutputs,
  type OutputChunkMsg,
} from '../../../clients/sdk/index.js';
import { decodeServer, encodeClientBinary } from '../../../proto/codec.js';
import { readPackedInputChunk } from '../../../proto/input-chunk-wire.js';
import type { ErrorMsg, ServerMessage } from '../../../proto/messages.js';
import { tinyModelReference, writeTinyModel } from '../../fixtures/tiny-step-model.js';
import { inputChunkFrame, lenField, varintField } from '../../fixtures/protobuf-bytes.js';
import { FakeNeuron, fakeVoltage } from './fake-neuron.js';
import { DEFAULT_REFRACTORY_MS, detectSpikeEvents } from '../../../src/surrogate/spike-events.js';

const N_EXC = 8;
const N_INH = 4;

function bins(seed: number, count: number) {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0), x / 2 ** 32);
  return Array.from({ length: count }, () => ({
    exc: Array.from({ length: Math.floor(rnd() * 5) }, () => Math.floor(rnd() * N_EXC)),
    inh: Array.from({ length: Math.floor(rnd() * 2) }, () => Math.floor(rnd() * N_INH)),
  }));
}

/** A bare socket speaking frames directly, for the error paths. */
class RawSocket {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.messages.push(decodeServer(isBinary ? new Uint8Array(data) : data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawSocket(ws)));
      ws.once('error', reject);
    });
  }
  send(data: string | Uint8Array): void {
    this.ws.send(data);
  }
  /** the next server message after those already consumed */
  async next(): Promise<ServerMessage> {
    while (this.messages.length === 0) await new Promise<void>((r) => this.waiters.push(r));
    return this.messages.shift()!;
  }
  async nextError(): Promise<ErrorMsg> {
    const m = await this.next();
    if (!('error' in m)) throw new Error(`expected an error, got ${JSON.stringify(Object.keys(m))}`);
    return m.error;
  }
  close(): void {
    this.ws.close();
  }
}

async function collect(client: NeurotwinClient, surrogateBins: number, referenceBins: number) {
  const sur: OutputChunkMsg[] = [];
  const ref: OutputChunkMsg[] = [];
  let s = 0;
  let r = 0;
  for await (const c of client.outputs()) {
    if (c.source === 'SURROGATE') {
      sur.push(c);
      s += c.voltage.length;
    } else {
      ref.push(c);
      r += c.voltage.length;
    }
    if (s >= surrogateBins && r >= referenceBins) break;
  }
  return { sur, ref };
}

function concat(
  chunks: OutputChunkMsg[],
  key: 'voltage' | 'spikeProb',
): { first: number[]; values: number[] } {
  return { first: chunks.map((c) => c.firstBin), values: chunks.flatMap((c) => Array.from(c[key])) };
}

describe('streaming server (tiny model, fake reference neuron)', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nt-srv-'));
    writeTinyModel(dir, { id: 'tiny', nExc: N_EXC, nInh: N_INH, neuron: 'fake' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        serverModule({
          modelsDir: dir,
          maxSessions: 3,
          maxFrameBytes: 4096,
          maxBinsPerChunk: 200,
          defaultModel: 'tiny',
        }),
      ],
    })
      .overrideProvider(ReferenceLauncher)
      .useValue(new ReferenceLauncher(() => new FakeNeuron(N_EXC, N_INH), false))
      .compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health and /models', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string; models: number };
    expect(health).toMatchObject({ status: 'ok', models: 1, defaultModel: 'tiny' });
    const models = (await (await fetch(`${base}/models`)).json()) as {
      id: string;
      inputs: { nExc: number };
    }[];
    expect(models.map((m) => m.id)).toEqual(['tiny']);
    expect(models[0].inputs.nExc).toBe(N_EXC);
  });

  /** The streamed spike flags: the bins where a predicted spike event starts. */
  const eventFlags = (prob: number[]): boolean[] => {
    const flags = prob.map(() => false);
    for (const k of detectSpikeEvents(prob, { threshold: 0.5, refractoryBins: DEFAULT_REFRACTORY_MS }))
      flags[k] = true;
    return flags;
  };

  for (const binary of [true, false]) {
    it(`streams surrogate and aligned reference outputs (${binary ? 'protobuf' : 'JSON'} frames)`, async () => {
      const client = await NeurotwinClient.connect(server.url, { binary });
      const opened = await client.open({ model: 'tiny', reference: true, tag: 'x' });
      expect(opened).toMatchObject({ referenceCell: 'fake', tag: 'x', model: { nExc: N_EXC, nInh: N_INH } });
      const input = bins(7, 120);
      await client.sendBins(0, input.slice(0, 50));
      await client.sendBins(50, input.slice(50, 51));
      await client.sendBins(51, input.slice(51));
      // the fake reference holds one bin back until close flushes it
      const { sur, ref } = await collect(client, 120, 119);
      const summary = await client.close();
      const want = tinyModelReference(input);
      const v = concat(sur, 'voltage');
      expect(v.first).toEqual([0, 50, 51]);
      v.values.forEach((x, i) => expect(x).toBeCloseTo(want.voltage[i], 3));
      concat(sur, 'spikeProb').values.forEach((p, i) => expect(p).toBeCloseTo(want.spikeProb[i], 4));
      const spikes = sur.flatMap((c) => Array.from(c.spike, Boolean));
      // one event per upward crossing of the threshold, 3 ms dead time (no spikeEvents: the default)
      const flags = eventFlags(want.spikeProb);
      expect(flags.filter(Boolean).length).toBeGreaterThan(0);
      expect(flags.filter(Boolean).length).toBeLessThan(want.spikeProb.filter((p) => p >= 0.5).length);
      expect(spikes).toEqual(flags);
      const rv = concat(ref, 'voltage');
      // bins arrive once each, in order: each chunk starts where the previous ended
      let expectFirst = 0;
      for (const c of ref) {
        expect(c.firstBin).toBe(expectFirst);
        expectFirst += c.voltage.length;
      }
      expect(rv.values.slice(0, 119)).toEqual(input.slice(0, 119).map(fakeVoltage));
      expect(summary.bins).toBe(120);
      expect(summary.referenceBins).toBe(120);
      client.disconnect();
    });
  }

  for (const binary of [true, false]) {
    it(`streams a multi-neuron session, all neurons of a chunk in one frame (${binary ? 'protobuf' : 'JSON'})`, async () => {
      const client = await NeurotwinClient.connect(server.url, { binary });
      const opened = await client.open({ model: 'tiny', neurons: 3 });
      expect(opened.neurons).toBe(3);
      const inputs = [bins(31, 90), bins(32, 90)];
      // neuron 1 gets no input at all; neuron 2 gets inputs[1]; neuron 0 inputs[0]
      await client.sendNeuronBins(0, 40, [
        { neuron: 2, bins: inputs[1].slice(0, 40) },
        { neuron: 0, bins: inputs[0].slice(0, 40) },
      ]);
      await client.sendNeuronBins(40, 50, [
        { neuron: 0, bins: inputs[0].slice(40) },
        { neuron: 2, bins: inputs[1].slice(40) },
      ]);
      const chunks: OutputChunkMsg[] = [];
      for await (const c of client.outputs()) {
        chunks.push(c);
        if (chunks.length === 2) break;
      }
      expect(chunks.map((c) => [c.firstBin, c.neurons, c.voltage.length])).toEqual([
        [0, 3, 120],
        [40, 3, 150],
      ]);
      const series = (i: number) => chunks.flatMap((c) => Array.from(neuronOutputs(c, i).voltage));
      const want = [
        tinyModelReference(inputs[0]),
        tinyModelReference(inputs[0].map(() => ({}))),
        tinyModelReference(inputs[1]),
      ];
      for (let i = 0; i < 3; i++) series(i).forEach((v, k) => expect(v).toBeCloseTo(want[i].voltage[k], 3));
      // a neuron index out of range, and a single-neuron chunk in a multi-neuron session
      const errs: NeurotwinError[] = [];
      const three = new Promise<void>((resolve) =>
        client.onError((e) => {
          if (errs.push(e) === 3) resolve();
        }),
      );
      await client.sendNeuronBins(90, 1, [{ neuron: 3, bins: [{}] }]);
      await client.sendBins(90, [{}]);
      await client.sendNeuronBins(90, 2, [{ neuron: 1, bins: [{}] }]);
      await three;
      const summary = await client.close();
      expect(errs.map((e) => e.code)).toEqual(['BAD_NEURON', 'BAD_NEURON', 'BAD_NEURON']);
      expect(errs[0].message).toContain('neuron 3 is not in [0, 3)');
      expect(summary.bins).toBe(90);
      client.disconnect();
    });
  }

  it('refuses a multi-neuron open with the reference on, or over the neuron limit', async () => {
    const client = await NeurotwinClient.connect(server.url);
    await expect(client.open({ model: 'tiny', neurons: 2, reference: true })).rejects.toThrow(
      /single-neuron sessions only/,
    );
    await expect(client.open({ model: 'tiny', neurons: 5000 })).rejects.toThrow(/the limit is 1024/);
    client.disconnect();
  });

  it('reports each protocol error with its code and keeps the socket usable', async () => {
    const s = await RawSocket.open(server.url);
    s.send(new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect((await s.nextError()).code).toBe('BAD_FRAME');
    s.send('{not json');
    expect((await s.nextError()).code).toBe('BAD_FRAME');
    s.send('{"hello":{}}');
    expect((await s.nextError()).code).toBe('UNKNOWN_MESSAGE');
    s.send(new Uint8Array(0));
    expect((await s.nextError()).code).toBe('UNKNOWN_MESSAGE');
    s.send(encodeClientBinary({ inputChunk: { firstBin: 0, bins: [{ exc: [1] }] } }));
    expect((await s.nextError()).code).toBe('NOT_OPEN');
    s.send(encodeClientBinary({ close: {} }));
    expect((await s.nextError()).code).toBe('NOT_OPEN');
    s.send(JSON.stringify({ open: { model: 'nope' } }));
    const unknown = await s.nextError();
    expect(unknown.code).toBe('UNKNOWN_MODEL');
    expect(unknown.message).toContain('tiny');
    s.send(JSON.stringify({ open: {} }));
    const opened = await s.next();
    expect('opened' in opened && opened.opened.model.id).toBe('tiny');
    s.send(JSON.stringify({ close: {} }));
    expect('closed' in (await s.next())).toBe(true);
    s.send(JSON.stringify({ open: { model: 'tiny', clock: 'sometimes' } }));
    expect((await s.nextError()).code).toBe('BAD_OPEN');
    s.send(JSON.stringify({ open: { model: 'tiny' } }));
    expect('opened' in (await s.next())).toBe(true);
    s.send(JSON.stringify({ open: { model: 'tiny' } }));
    expect((await s.nextError()).code).toBe('ALREADY_OPEN');
    s.send(encodeClientBinary({ inputChunk: { firstBin: 0, bins: [{ exc: [1] }, { exc: [N_EXC] }] } }));
    expect(await s.nextError()).toMatchObject({ code: 'BAD_SYNAPSE', bin: 1 });
    s.send(JSON.stringify({ inputChunk: { firstBin: 0, bins: [{ inh: [N_INH] }] } }));
    expect(await s.nextError()).toMatchObject({ code: 'BAD_SYNAPSE', bin: 0 });
    // not uint32s at all: the frame is malformed, whatever the model's synapse counts
    s.send(JSON.stringify({ inputChunk: { firstBin: 0, bins: [{ exc: [1.5] }] } }));
    expect((await s.nextError()).code).toBe('BAD_FRAME');
    s.send(JSON.stringify({ inputChunk: { firstBin: 0, bins: [{ exc: [-1] }] } }));
    expect((await s.nextError()).code).toBe('BAD_FRAME');
    s.send(JSON.stringify({ inputChunk: { firstBin: 5, bins: [{}] } }));
    expect(await s.nextError()).toMatchObject({ code: 'BIN_ORDER', bin: 5 });
    s.send(JSON.stringify({ inputChunk: { firstBin: 0, bins: Array.from({ length: 201 }, () => ({})) } }));
    expect((await s.nextError()).code).toBe('CHUNK_TOO_LARGE');
    s.send(
      encodeClientBinary({
        inputChunk: { firstBin: 0, bins: [{ exc: Array.from({ length: 5000 }, () => 1) }] },
      }),
    );
    expect((await s.nextError()).code).toBe('FRAME_TOO_LARGE');
    // after all that, the session still streams from bin 0
    s.send(JSON.stringify({ inputChunk: { firstBin: 0, bins: [{ exc: [1, 2] }, {}] } }));
    const out = await s.next();
    expect(
      'outputChunk' in out && out.outputChunk.firstBin === 0 && out.outputChunk.voltage.length === 2,
    ).toBe(true);
    s.send(JSON.stringify({ inputChunk: { firstBin: 1, bins: [{}] } }));
    expect((await s.nextError()).code).toBe('BIN_ORDER');
    s.send(JSON.stringify({ close: {} }));
    const closed = await s.next();
    expect('closed' in closed && closed.closed.bins).toBe(2);
    s.close();
  });

  it('negotiates no compression, even with a client that offers it', async () => {
    const ws = new WebSocket(server.url, { perMessageDeflate: true });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(ws.extensions).toBe('');
    ws.close();
  });

  it('streams the same outputs from chunks read straight into spike trains and from the strict decoder', async () => {
    const input = bins(41, 120);
    // the same bins with every id unpacked (one varint field per id): valid protobuf that the
    // fast reader leaves to the strict decoder
    const unpacked = (firstBin: number, part: typeof input) =>
      inputChunkFrame([
        ...varintField(1, firstBin),
        ...part.flatMap((b) =>
          lenField(2, [
            ...b.exc.flatMap((id) => varintField(1, id)),
            ...b.inh.flatMap((id) => varintField(2, id)),
          ]),
        ),
      ]);
    const outputsOf = async (frame: (firstBin: number, part: typeof input) => Uint8Array) => {
      const s = await RawSocket.open(server.url);
      s.send(encodeClientBinary({ open: { model: 'tiny' } }));
      expect('opened' in (await s.next())).toBe(true);
      const out: number[] = [];
      for (let k = 0; k < input.length; k += 40) {
        s.send(frame(k, input.slice(k, k + 40)));
        const m = await s.next();
        if (!('outputChunk' in m)) throw new Error(`expected outputs, got ${JSON.stringify(m)}`);
        expect(m.outputChunk.firstBin).toBe(k);
        out.push(...Array.from(m.outputChunk.voltage));
      }
      s.close();
      return out;
    };
    const packed = (firstBin: number, part: typeof input) =>
      encodeClientBinary({ inputChunk: { firstBin, bins: part } });
    expect(readPackedInputChunk(packed(0, input.slice(0, 40)))).not.toBeNull();
    expect(readPackedInputChunk(unpacked(0, input.slice(0, 40)))).toBeNull();
    const fast = await outputsOf(packed);
    expect(await outputsOf(unpacked)).toEqual(fast);
    const want = tinyModelReference(input).voltage;
    fast.forEach((v, k) => expect(v).toBeCloseTo(want[k], 3));
  });

  it('refuses sessions beyond the limit with TOO_MANY_SESSIONS', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => NeurotwinClient.connect(server.url)));
    for (const c of clients.slice(0, 3)) await c.open({ model: 'tiny' });
    const refused = await clients[3].open({ model: 'tiny' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NeurotwinError);
    expect((refused as NeurotwinError).code).toBe('TOO_MANY_SESSIONS');
    await clients[0].close();
    await expect(clients[3].open({ model: 'tiny' })).resolves.toMatchObject({ model: { id: 'tiny' } });
    // close before disconnecting: the server frees a slot on close at once, on a disconnect later
    for (const c of clients.slice(1)) await c.close();
    for (const c of clients) c.disconnect();
  });

  it('keeps a session streaming while another sends garbage', async () => {
    const good = await NeurotwinClient.connect(server.url);
    await good.open({ model: 'tiny', clock: 'REALTIME' });
    const bad = await RawSocket.open(server.url);
    const input = bins(3, 200);
    const outputs: OutputChunkMsg[] = [];
    const done = (async () => {
      let n = 0;
      for await (const c of good.outputs()) {
        outputs.push(c);
        n += c.voltage.length;
        if (n >= 200) break;
      }
    })();
    for (let k = 0; k < 200; k += 20) {
      await good.sendBins(k, input.slice(k, k + 20));
      bad.send(new Uint8Array([0x0a, 0xff, 0x01, k & 0xff]));
      bad.send('{"inputChunk": 3}');
    }
    await done;
    let next = 0;
    for (const c of outputs) {
      expect(c.firstBin).toBe(next);
      next += c.voltage.length;
    }
    const want = tinyModelReference(input).voltage;
    outputs.flatMap((c) => Array.from(c.voltage)).forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    const codes = new Set<string>();
    while (bad.messages.length > 0) codes.add((await bad.nextError()).code);
    expect([...codes].every((c) => c === 'BAD_FRAME')).toBe(true);
    expect(codes.size).toBe(1);
    await good.close();
    good.disconnect();
    bad.close();
  });
});
