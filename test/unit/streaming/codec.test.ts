import { describe, it, expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import {
  decodeClient,
  decodeServer,
  encodeClientBinary,
  encodeClientJson,
  encodeServerBinary,
  encodeServerJson,
} from '../../../proto/codec.js';
import { schemaDescriptor } from '../../../proto/schema.generated.js';
import { ProtocolError, type ServerMessage } from '../../../proto/messages.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('wire codec', () => {
  it('embeds a descriptor identical to proto/neurotwin.proto (run node proto/build-schema.mjs after edits)', () => {
    const path = fileURLToPath(new URL('../../../proto/neurotwin.proto', import.meta.url));
    expect(protobuf.loadSync(path).toJSON()).toEqual(schemaDescriptor);
  });

  it('round-trips client messages through protobuf and JSON alike', () => {
    const chunk = {
      inputChunk: {
        firstBin: 42,
        bins: [
          { exc: [0, 5, 79], inh: [] },
          { exc: [], inh: [19] },
          { exc: [], inh: [] },
        ],
      },
    };
    for (const frame of [encodeClientBinary(chunk), encodeClientJson(chunk)]) {
      const back = decodeClient(frame);
      expect('inputChunk' in back).toBe(true);
      if (!('inputChunk' in back)) return;
      expect(back.inputChunk.firstBin).toBe(42);
      expect(back.inputChunk.bins.map((b) => [Array.from(b.exc ?? []), Array.from(b.inh ?? [])])).toEqual([
        [[0, 5, 79], []],
        [[], [19]],
        [[], []],
      ]);
    }
    const open = { open: { model: 'm', reference: true, clock: 'REALTIME' as const, tag: 't' } };
    expect(decodeClient(encodeClientBinary(open))).toEqual(open);
    expect(decodeClient(encodeClientJson(open))).toEqual(open);
    expect(decodeClient(encodeClientBinary({ close: {} }))).toEqual({ close: {} });
  });

  it('gives the same server messages from both encodings', () => {
    const msgs: ServerMessage[] = [
      {
        outputChunk: {
          source: 'REFERENCE',
          firstBin: 7,
          voltage: new Float32Array([-70.5, -54.25]),
          spikeProb: new Float32Array(0),
          spike: new Uint8Array([0, 1]),
          referenceLagBins: 3,
        },
      },
      { error: { code: 'BIN_ORDER', message: 'gap', bin: 9 } },
      { closed: { bins: 10, surrogateSpikes: 1, referenceSpikes: 2, referenceBins: 10, wallMs: 1.5 } },
    ];
    for (const m of msgs) {
      const a = decodeServer(encodeServerBinary(m));
      const b = decodeServer(encodeServerJson(m));
      expect(a).toEqual(b);
    }
    const chunk = decodeServer(encodeServerBinary(msgs[0]));
    expect(chunk).toEqual({
      outputChunk: {
        source: 'REFERENCE',
        firstBin: 7,
        voltage: [-70.5, -54.25],
        spikeProb: [],
        spike: [false, true],
        referenceLagBins: 3,
      },
    });
  });

  it('carries the optional dendritic fields (10-19) in both encodings, and leaves them out when unused', () => {
    const open = { open: { model: 'm', reference: true, clock: 'ASAP' as const, dendrites: true as const } };
    expect(decodeClient(encodeClientBinary(open))).toEqual(open);
    expect(decodeClient(encodeClientJson(open))).toEqual(open);
    expect(decodeClient('{"open":{"model":"m","dendrites":false}}')).toEqual({
      open: { model: 'm', reference: false, clock: 'ASAP' },
    });
    expect(codeOf(() => decodeClient('{"open":{"model":"m","dendrites":1}}'))).toBe('BAD_FRAME');
    const chunk: ServerMessage = {
      outputChunk: {
        source: 'REFERENCE',
        firstBin: 0,
        voltage: new Float32Array([-70, -69]),
        spikeProb: new Float32Array(0),
        spike: new Uint8Array([0, 0]),
        referenceLagBins: 0,
        dendriticVoltage: new Float32Array([-70.5, -71, -72.25, -60]),
      },
    };
    for (const back of [decodeServer(encodeServerBinary(chunk)), decodeServer(encodeServerJson(chunk))]) {
      expect('outputChunk' in back && Array.from(back.outputChunk.dendriticVoltage ?? [])).toEqual([
        -70.5, -71, -72.25, -60,
      ]);
    }
    const opened: ServerMessage = {
      opened: {
        session: 's1',
        model: {
          id: 'm',
          neuron: 'l5pc-nmda',
          nExc: 2,
          nInh: 2,
          receptiveField: 1,
          spikeThreshold: 0.5,
          architecture: 'a',
        },
        referenceCell: 'l5pc-nmda',
        clock: 'ASAP',
        maxBinsPerChunk: 10,
        maxFrameBytes: 100,
        nDendrites: 2,
      },
    };
    expect(decodeServer(encodeServerBinary(opened))).toMatchObject({ opened: { nDendrites: 2 } });
  });

  it('rejects malformed frames with the right code', () => {
    expect(codeOf(() => decodeClient(new Uint8Array([0x12, 0x05, 0x01])))).toBe('BAD_FRAME');
    expect(codeOf(() => decodeClient('[1,2'))).toBe('BAD_FRAME');
    expect(codeOf(() => decodeClient('[]'))).toBe('UNKNOWN_MESSAGE');
    expect(codeOf(() => decodeClient('{"open":{"model":"a"},"close":{}}'))).toBe('UNKNOWN_MESSAGE');
    expect(codeOf(() => decodeClient('{"open":{"model":7}}'))).toBe('BAD_FRAME');
    expect(decodeClient('{"open":{}}')).toEqual({ open: { model: '', reference: false, clock: 'ASAP' } });
    expect(codeOf(() => decodeClient('{"open":{"model":"a","reference":"yes"}}'))).toBe('BAD_FRAME');
    expect(codeOf(() => decodeClient('{"inputChunk":{"firstBin":-1,"bins":[{}]}}'))).toBe('BAD_FRAME');
    expect(codeOf(() => decodeClient('{"inputChunk":{"firstBin":0,"bins":[{"exc":["3"]}]}}'))).toBe(
      'BAD_FRAME',
    );
    expect(codeOf(() => decodeClient('{"inputChunk":{"firstBin":0,"bins":[7]}}'))).toBe('BAD_FRAME');
    // an Open with a clock value this server does not know
    expect(codeOf(() => decodeClient(new Uint8Array([0x0a, 0x05, 0x0a, 0x01, 0x61, 0x18, 0x07])))).toBe(
      'BAD_OPEN',
    );
  });
});
