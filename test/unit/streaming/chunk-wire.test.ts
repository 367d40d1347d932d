import { describe, it, expect } from '@jest/globals';
import { decodeClient, decodeServer, encodeServerBinary, protocolRoot } from '../../../proto/codec.js';
import { encodeInputChunkFrame, readPackedInputChunk } from '../../../proto/input-chunk-wire.js';
import { decodeOutputChunkFrame, encodeOutputChunkFrame } from '../../../proto/output-chunk-wire.js';
import type { OutputChunkMsg, ServerMessage, SpikeBin } from '../../../proto/messages.js';
import { flattenBins } from '../../../src/core/spikes.js';
import { Rng } from '../../../src/core/rng.js';
import { FrameFuzzer } from '../../fixtures/frame-fuzzer.js';
import { inputChunkFrame, lenField, varintField } from '../../fixtures/protobuf-bytes.js';

const root = protocolRoot();
const ServerType = root.lookupType('neurotwin.v1.ServerMessage');
const ClientType = root.lookupType('neurotwin.v1.ClientMessage');

/** What protobufjs's reflection makes of server bytes, in the form decodeServer gives. */
function generalServer(bytes: Uint8Array): unknown {
  const obj = ServerType.toObject(ServerType.decode(bytes), {
    enums: String,
    longs: Number,
    arrays: true,
    defaults: true,
  }) as { outputChunk: Record<string, unknown> };
  const c = obj.outputChunk;
  if ((c.dendriticVoltage as unknown[]).length === 0) delete c.dendriticVoltage;
  if (!c.neurons) delete c.neurons;
  return { outputChunk: c };
}

function randomOutputChunk(rng: Rng): OutputChunkMsg {
  const n = rng.uniformInt(4) === 0 ? 0 : 1 + rng.uniformInt(300);
  const neurons = rng.uniformInt(3) === 0 ? 1 + rng.uniformInt(5) : undefined;
  const floats = (k: number) => Float32Array.from({ length: k }, () => (rng.uniform() - 0.5) * 200);
  const reference = rng.uniformInt(2) === 0;
  const dendrites = reference && rng.uniformInt(2) === 0 ? floats(n * 3) : undefined;
  return {
    source: reference ? 'REFERENCE' : 'SURROGATE',
    firstBin: [0, 1, 127, 128, 2 ** 31, 2 ** 32 - 1][rng.uniformInt(6)],
    voltage: floats(n),
    spikeProb: reference ? new Float32Array(0) : floats(n),
    spike: Uint8Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 1 : 0)),
    referenceLagBins: [0, 1, -1, 300, -(2 ** 31), 2 ** 31 - 1][rng.uniformInt(6)],
    ...(dendrites ? { dendriticVoltage: dendrites } : {}),
    ...(neurons !== undefined ? { neurons } : {}),
  };
}

function randomBins(rng: Rng, count: number, maxId: number): SpikeBin[] {
  return Array.from({ length: count }, () => ({
    exc: Array.from({ length: rng.uniformInt(5) }, () => rng.uniformInt(maxId)),
    inh: Array.from({ length: rng.uniformInt(3) }, () => rng.uniformInt(maxId)),
  }));
}

describe('output chunk wire codec', () => {
  it('encodes what protobufjs decodes to the same chunk, and decodes what protobufjs encodes', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 300; t++) {
      const c = randomOutputChunk(rng);
      const mine = encodeOutputChunkFrame(c);
      const theirs = ServerType.encode({
        outputChunk: { ...c, source: c.source === 'SURROGATE' ? 0 : 1 },
      }).finish();
      const expected = generalServer(theirs);
      expect(generalServer(mine)).toEqual(expected);
      expect(decodeOutputChunkFrame(theirs)).toEqual(expected);
      expect(decodeOutputChunkFrame(mine)).toEqual(expected);
      expect(mine.length).toBeLessThanOrEqual(theirs.length);
    }
  });

  it('leaves every frame it was not written for to the general decoder', () => {
    const chunk: ServerMessage = {
      outputChunk: {
        source: 'SURROGATE',
        firstBin: 3,
        voltage: new Float32Array([-70, -60]),
        spikeProb: new Float32Array([0.1, 0.9]),
        spike: new Uint8Array([0, 1]),
        referenceLagBins: 0,
      },
    };
    const bytes = encodeServerBinary(chunk);
    // an unknown field (15, varint) appended inside the chunk
    const body = [...bytes.subarray(2), 0x78, 0x01];
    const withUnknown = new Uint8Array(lenField(2, body));
    expect(decodeOutputChunkFrame(withUnknown)).toBeNull();
    expect(decodeServer(withUnknown)).toEqual(decodeServer(bytes));
    // unpacked floats (wire type 5) for voltage
    const unpacked = new Uint8Array(lenField(2, [0x1d, 0, 0, 0x80, 0x3f]));
    expect(decodeOutputChunkFrame(unpacked)).toBeNull();
    expect(decodeServer(unpacked)).toMatchObject({ outputChunk: { voltage: [1] } });
    // a source the protocol does not have, and a truncated frame
    expect(decodeOutputChunkFrame(new Uint8Array(lenField(2, varintField(1, 7))))).toBeNull();
    expect(decodeOutputChunkFrame(bytes.subarray(0, bytes.length - 1))).toBeNull();
    // other messages
    const closed = encodeServerBinary({
      closed: { bins: 1, surrogateSpikes: 0, referenceSpikes: 0, referenceBins: 0, wallMs: 1 },
    });
    expect(decodeOutputChunkFrame(closed)).toBeNull();
  });
});

describe('input chunk wire codec', () => {
  it('encodes what the strict decoder reads back as the same bins', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 200; t++) {
      const bins = randomBins(rng, 1 + rng.uniformInt(120), rng.uniformInt(2) ? 200 : 2 ** 32);
      const firstBin = [0, 5, 300, 2 ** 32 - 1][rng.uniformInt(4)];
      const bytes = encodeInputChunkFrame(firstBin, bins);
      expect(bytes).not.toBeNull();
      const back = decodeClient(bytes!);
      expect(back).toEqual({
        inputChunk: {
          firstBin,
          bins: bins.map((b) => ({ exc: b.exc!.length ? b.exc : [], inh: b.inh!.length ? b.inh : [] })),
        },
      });
    }
  });

  it('leaves ids that are not uint32 to protobufjs', () => {
    expect(encodeInputChunkFrame(0, [{ exc: [-1] }])).toBeNull();
    expect(encodeInputChunkFrame(0, [{ inh: [1.5] }])).toBeNull();
    expect(encodeInputChunkFrame(-3, [{ exc: [1] }])).toBeNull();
  });

  it('reads the spike trains the strict decoder and flattenBins give, straight from the bytes', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 200; t++) {
      const bins = randomBins(rng, 1 + rng.uniformInt(150), rng.uniformInt(2) ? 1000 : 2 ** 32);
      const firstBin = rng.uniformInt(5000);
      const variants = [
        encodeInputChunkFrame(firstBin, bins)!,
        ClientType.encode({ inputChunk: { firstBin, bins } }).finish(),
      ];
      for (const bytes of variants) {
        const packed = readPackedInputChunk(bytes);
        const general = decodeClient(bytes) as { inputChunk: { firstBin: number; bins: SpikeBin[] } };
        expect(packed).not.toBeNull();
        expect(packed!.firstBin).toBe(general.inputChunk.firstBin);
        expect(packed!.spikes).toEqual(flattenBins(general.inputChunk.bins));
      }
    }
  });

  it('accepts a malformed or unusual frame only where the strict decoder accepts it, with the same bins', () => {
    const fuzzer = new FrameFuzzer(3, 80, 20);
    let fast = 0;
    let binary = 0;
    for (let t = 0; t < 20_000; t++) {
      const f = fuzzer.next();
      if (typeof f.data === 'string' || f.text) continue;
      binary++;
      const packed = readPackedInputChunk(f.data);
      if (!packed) continue;
      fast++;
      const general = decodeClient(f.data);
      expect('inputChunk' in general).toBe(true);
      if (!('inputChunk' in general)) continue;
      expect(general.inputChunk.binCount).toBeUndefined();
      expect(packed.firstBin).toBe(general.inputChunk.firstBin);
      expect(packed.spikes).toEqual(flattenBins(general.inputChunk.bins));
    }
    // the fuzzer's frames do reach the reader, and most of its mutations are refused by it
    expect(binary).toBeGreaterThan(5000);
    expect(fast).toBeGreaterThan(20);
    expect(fast).toBeLessThan(binary / 2);
  });

  it('gives the frames the strict decoder refuses back to it (their errors come from there)', () => {
    const bin = lenField(2, lenField(1, [5]));
    const cases: number[][] = [
      [], // no bins: EMPTY_CHUNK
      [...varintField(1, 2), ...varintField(1, 3), ...bin], // first_bin twice
      [...varintField(1, 2 ** 32), ...bin], // first_bin over 32 bits
      [...lenField(2, varintField(1, 5))], // an unpacked id
      [...lenField(2, lenField(1, [0x80, 0x80, 0x80, 0x80, 0x10]))], // an id over 32 bits
      [...bin, ...varintField(20, 1)], // bin_count: a multi-neuron chunk
      [...bin, ...varintField(9, 1)], // an unknown field
      [...lenField(2, lenField(1, [0x85]))], // a truncated id
    ];
    for (const body of cases) expect(readPackedInputChunk(inputChunkFrame(body))).toBeNull();
  });
});
