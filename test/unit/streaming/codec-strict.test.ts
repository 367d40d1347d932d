import { describe, it, expect } from '@jest/globals';
import {
  decodeClient,
  decodeServer,
  encodeClientBinary,
  encodeClientJson,
  encodeServerBinary,
  encodeServerJson,
} from '../../../proto/codec.js';
import { MAX_ECHO_CHARS, ProtocolError, echo } from '../../../proto/messages.js';
import { checkJsonDepth } from '../../../proto/json-depth.js';
import type { ClientMessage } from '../../../proto/messages.js';
import { Rng } from '../../../src/core/rng.js';
import {
  WIRE,
  inputChunkFrame,
  key,
  lenField,
  openFrame,
  varint,
  varintField,
} from '../../fixtures/protobuf-bytes.js';

function errorOf(f: () => unknown): ProtocolError {
  try {
    f();
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('decoded without an error');
}
const codeOf = (frame: string | Uint8Array) => errorOf(() => decodeClient(frame)).code;
const bin = (exc: number[]) =>
  lenField(
    1,
    exc.flatMap((id) => varint(id)),
  );

describe('strict JSON decoding', () => {
  it('refuses deep nesting before parsing, without running out of stack', () => {
    const deep = `{"inputChunk":{"firstBin":0,"bins":[{"exc":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}}`;
    const e = errorOf(() => decodeClient(deep));
    expect(e.code).toBe('BAD_FRAME');
    expect(e.message).toMatch(/nested deeper than 16/);
    // the deepest real message (7 levels) passes; brackets inside strings do not count
    const multi = '{"inputChunk":{"binCount":1,"neuronInputs":[{"neuron":0,"bins":[{"exc":[1]}]}]}}';
    expect(() => checkJsonDepth(multi, 7)).not.toThrow();
    expect(() => checkJsonDepth(multi, 6)).toThrow(/deeper than 6/);
    expect(() => checkJsonDepth(`{"open":{"tag":"${'[{'.repeat(100)}\\"["}}`, 3)).not.toThrow();
  });

  it('names an unknown key at every level', () => {
    const cases: [string, RegExp][] = [
      ['{"open":{"model":"a","colour":"red"}}', /open has no field "colour"/],
      ['{"inputChunk":{"firstBin":0,"bins":[{}],"extra":1}}', /inputChunk has no field "extra"/],
      ['{"inputChunk":{"bins":[{"exc":[1],"ex":[2]}]}}', /bins\[0\] \(bin 0\) has no field "ex"/],
      [
        '{"inputChunk":{"binCount":1,"neuronInputs":[{"neuron":0,"bins":[{}],"n":1}]}}',
        /neuronInputs\[0\] has no field "n"/,
      ],
      ['{"close":{"now":true}}', /close has no field "now"/],
      ['{"open":{"__proto__":{}}}', /open has no field "__proto__"/],
    ];
    for (const [text, message] of cases) {
      const e = errorOf(() => decodeClient(text));
      expect([text, e.code]).toEqual([text, 'BAD_FRAME']);
      expect(e.message).toMatch(message);
    }
  });

  it('takes enum names exactly as in the .proto: an unknown name is BAD_OPEN, a non-string BAD_FRAME', () => {
    expect(codeOf('{"open":{"clock":"asap"}}')).toBe('BAD_OPEN');
    expect(codeOf('{"open":{"clock":"Realtime"}}')).toBe('BAD_OPEN');
    expect(codeOf('{"open":{"clock":1}}')).toBe('BAD_FRAME');
    expect(decodeClient('{"open":{"clock":"REALTIME"}}')).toMatchObject({ open: { clock: 'REALTIME' } });
  });

  it('wants exact uint32s: wrong types, fractions, negatives and values over 2^32-1 are BAD_FRAME', () => {
    const chunk = (firstBin: unknown, exc: unknown = [1]) =>
      JSON.stringify({ inputChunk: { firstBin, bins: [{ exc }] } });
    for (const firstBin of ['0', -1, 1.5, 2 ** 32, 1e300, null, true, [0]])
      expect([firstBin, codeOf(chunk(firstBin))]).toEqual([firstBin, 'BAD_FRAME']);
    for (const id of [2 ** 32 + 3, -1, 0.5, '3', null])
      expect([id, codeOf(chunk(0, [id]))]).toEqual([id, 'BAD_FRAME']);
    expect(codeOf(chunk(0, 7))).toBe('BAD_FRAME');
    expect(codeOf('{"open":{"neurons":-2}}')).toBe('BAD_FRAME');
    expect(codeOf('{"inputChunk":{"binCount":4294967296,"neuronInputs":[]}}')).toBe('BAD_FRAME');
    // the largest uint32 is a valid id on the wire (the session then checks it against the model)
    const top = decodeClient(chunk(2 ** 32 - 1, [2 ** 32 - 1]));
    expect(top).toEqual({ inputChunk: { firstBin: 2 ** 32 - 1, bins: [{ exc: [2 ** 32 - 1], inh: [] }] } });
  });

  it('wants the declared type for every open field, including null', () => {
    for (const open of [
      { model: 7 },
      { model: null },
      { reference: 'yes' },
      { dendrites: 1 },
      { tag: 5 },
      { neurons: '2' },
    ])
      expect([open, codeOf(JSON.stringify({ open }))]).toEqual([open, 'BAD_FRAME']);
    expect(codeOf('{"open":5}')).toBe('BAD_FRAME');
    expect(codeOf('{"close":[]}')).toBe('BAD_FRAME');
  });
});

describe('strict protobuf decoding', () => {
  it('detects 32-bit overflow instead of wrapping', () => {
    // first_bin = 2^32 used to read as 0, synapse 2^32 + 3 as 3
    const firstBin = errorOf(() =>
      decodeClient(inputChunkFrame([...varintField(1, 2n ** 32n), ...lenField(2, bin([1]))])),
    );
    expect(firstBin.code).toBe('BAD_FRAME');
    expect(firstBin.message).toMatch(/firstBin \(field 1\) \(uint32\) does not fit in 32 bits/);
    const id = errorOf(() => decodeClient(inputChunkFrame(lenField(2, bin([2 ** 32 + 3])))));
    expect(id.code).toBe('BAD_FRAME');
    expect(id.message).toMatch(/exc \(field 1\)/);
    expect(codeOf(openFrame(varintField(20, 2n ** 40n)))).toBe('BAD_FRAME');
    // an 11-byte varint, and a 10-byte one with more than 64 bits
    expect(codeOf(inputChunkFrame([...key(1, WIRE.varint), ...Array(10).fill(0x80), 0x01]))).toBe(
      'BAD_FRAME',
    );
    expect(codeOf(inputChunkFrame([...key(1, WIRE.varint), ...Array(9).fill(0xff), 0x03]))).toBe('BAD_FRAME');
    // the largest values still decode
    expect(
      decodeClient(inputChunkFrame([...varintField(1, 2 ** 32 - 1), ...lenField(2, bin([2 ** 32 - 1]))])),
    ).toEqual({ inputChunk: { firstBin: 2 ** 32 - 1, bins: [{ exc: [2 ** 32 - 1], inh: [] }] } });
  });

  it('refuses fields of the wrong wire type, naming the field', () => {
    const e = errorOf(() => decodeClient(inputChunkFrame(lenField(1, [0x05]))));
    expect(e.code).toBe('BAD_FRAME');
    expect(e.message).toMatch(/firstBin \(field 1\) has wire type length-delimited, expected varint/);
    expect(errorOf(() => decodeClient(openFrame(varintField(1, 3)))).message).toMatch(
      /model \(field 1\) has wire type varint, expected length-delimited/,
    );
    expect(codeOf(inputChunkFrame([...key(1, WIRE.i32), 0, 0, 0, 0]))).toBe('BAD_FRAME');
    expect(codeOf(new Uint8Array(varintField(2, 5)))).toBe('BAD_FRAME');
    expect(codeOf(new Uint8Array([...key(3, WIRE.groupStart), ...key(3, WIRE.groupEnd)]))).toBe('BAD_FRAME');
    // wire types 6 and 7 do not exist: garbage even for a field number the schema lacks
    expect(codeOf(new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]))).toBe('BAD_FRAME');
  });

  it('refuses bools other than 0/1, strings that are not UTF-8 and truncated input', () => {
    expect(codeOf(openFrame(varintField(2, 2)))).toBe('BAD_FRAME');
    expect(errorOf(() => decodeClient(openFrame(lenField(1, [0xc3, 0x28])))).message).toMatch(/UTF-8/);
    const frame = encodeClientBinary({
      open: { model: 'tiny', reference: true, clock: 'REALTIME', tag: 't', neurons: 3 },
    });
    for (let n = 1; n < frame.length; n++) expect(codeOf(frame.subarray(0, n))).toBe('BAD_FRAME');
    // a length prefix past the end of the frame
    expect(codeOf(new Uint8Array([...key(2, WIRE.len), ...varint(2n ** 33n)]))).toBe('BAD_FRAME');
  });

  it('accepts unpacked repeated ids as well as packed ones (both are valid protobuf)', () => {
    const unpacked = lenField(2, [...varintField(1, 3), ...varintField(1, 5), ...varintField(2, 1)]);
    expect(decodeClient(inputChunkFrame(unpacked))).toEqual({
      inputChunk: { firstBin: 0, bins: [{ exc: [3, 5], inh: [1] }] },
    });
  });
});

describe('the two encodings agree', () => {
  // the same defect written in protobuf and in JSON gets the same code
  const cases: { name: string; binary: Uint8Array; json: string; code: string }[] = [
    {
      name: 'unknown field of Open',
      binary: openFrame([...lenField(1, [0x61]), ...varintField(5, 1)]),
      json: '{"open":{"model":"a","field5":1}}',
      code: 'BAD_FRAME',
    },
    {
      name: 'unknown field of ClientMessage',
      binary: new Uint8Array(lenField(9, [])),
      json: '{"ping":{}}',
      code: 'UNKNOWN_MESSAGE',
    },
    {
      name: 'unknown field of Bin',
      binary: inputChunkFrame(lenField(2, varintField(7, 1))),
      json: '{"inputChunk":{"bins":[{"spikes":1}]}}',
      code: 'BAD_FRAME',
    },
    {
      name: 'unknown clock',
      binary: openFrame(varintField(3, 7)),
      json: '{"open":{"clock":"SOMETIMES"}}',
      code: 'BAD_OPEN',
    },
    {
      name: 'firstBin over 2^32 - 1',
      binary: inputChunkFrame([...varintField(1, 2n ** 32n), ...lenField(2, [])]),
      json: `{"inputChunk":{"firstBin":${2 ** 32},"bins":[{}]}}`,
      code: 'BAD_FRAME',
    },
    {
      name: 'an empty single-neuron chunk',
      binary: inputChunkFrame(varintField(1, 4)),
      json: '{"inputChunk":{"firstBin":4,"bins":[]}}',
      code: 'EMPTY_CHUNK',
    },
    {
      name: 'an empty multi-neuron chunk',
      binary: inputChunkFrame(lenField(21, varintField(1, 0))),
      json: '{"inputChunk":{"binCount":0,"neuronInputs":[{"neuron":0}]}}',
      code: 'EMPTY_CHUNK',
    },
    {
      name: 'bins and binCount together',
      binary: inputChunkFrame([...lenField(2, []), ...varintField(20, 1)]),
      json: '{"inputChunk":{"bins":[{}],"binCount":1}}',
      code: 'BAD_FRAME',
    },
    {
      name: 'two messages in one frame',
      binary: new Uint8Array([...lenField(1, []), ...lenField(3, [])]),
      json: '{"open":{},"close":{}}',
      code: 'UNKNOWN_MESSAGE',
    },
    { name: 'no message', binary: new Uint8Array(0), json: '{}', code: 'UNKNOWN_MESSAGE' },
    {
      name: 'unknown field of Close',
      binary: new Uint8Array(lenField(3, varintField(1, 1))),
      json: '{"close":{"now":1}}',
      code: 'BAD_FRAME',
    },
  ];
  for (const c of cases)
    it(`${c.name}: ${c.code} in both`, () => {
      expect([codeOf(c.binary), codeOf(c.json)]).toEqual([c.code, c.code]);
    });

  it('decodes the SDK encoder output of every client message identically', () => {
    const msgs = [
      {
        open: { model: 'm', reference: true, clock: 'REALTIME' as const, tag: 'x', dendrites: true as const },
      },
      { open: { model: '', reference: false, clock: 'ASAP' as const, neurons: 4 } },
      {
        inputChunk: {
          firstBin: 9,
          bins: [
            { exc: [1, 2], inh: [] },
            { exc: [], inh: [3] },
          ],
        },
      },
      {
        inputChunk: {
          firstBin: 0,
          bins: [],
          binCount: 2,
          neuronInputs: [
            {
              neuron: 1,
              bins: [
                { exc: [0], inh: [] },
                { exc: [], inh: [] },
              ],
            },
          ],
        },
      },
      { close: {} },
    ];
    for (const m of msgs)
      expect(decodeClient(encodeClientBinary(m))).toEqual(decodeClient(encodeClientJson(m)));
  });
});

describe('valid frames', () => {
  it('decode unchanged from both encodings (500 random messages, extreme values included)', () => {
    const rng = new Rng(77);
    const n = (max: number) => (rng.uniformInt(4) === 0 ? max : rng.uniformInt(max));
    const ids = () => Array.from({ length: rng.uniformInt(5) }, () => n(2 ** 32 - 1));
    const bins = (count: number) => Array.from({ length: count }, () => ({ exc: ids(), inh: ids() }));
    for (let k = 0; k < 500; k++) {
      let msg: ClientMessage;
      const kind = rng.uniformInt(4);
      if (kind === 0)
        msg = {
          open: {
            model: 'm'.repeat(rng.uniformInt(40)) + 'é😀',
            reference: rng.uniformInt(2) === 1,
            clock: rng.uniformInt(2) ? 'ASAP' : 'REALTIME',
            tag: rng.uniformInt(2) ? `t${k}` : undefined,
            ...(rng.uniformInt(2) ? { dendrites: true as const } : {}),
            ...(rng.uniformInt(2) ? { neurons: 1 + n(2 ** 32 - 2) } : {}),
          },
        };
      else if (kind === 1)
        msg = { inputChunk: { firstBin: n(2 ** 32 - 1), bins: bins(1 + rng.uniformInt(20)) } };
      else if (kind === 2) {
        const count = 1 + rng.uniformInt(5);
        msg = {
          inputChunk: {
            firstBin: n(2 ** 32 - 1),
            bins: [],
            binCount: count,
            neuronInputs: Array.from({ length: rng.uniformInt(4) }, () => ({
              neuron: n(2 ** 32 - 1),
              bins: bins(count),
            })),
          },
        };
      } else msg = { close: {} };
      const fromBinary = decodeClient(encodeClientBinary(msg));
      expect(fromBinary).toEqual(msg);
      expect(decodeClient(encodeClientJson(msg))).toEqual(fromBinary);
    }
  });
});

describe('echoed input', () => {
  it('is cut to at most 200 characters in every error message', () => {
    const long = 'x'.repeat(500_000);
    const texts = [
      JSON.stringify({ [long]: {} }),
      JSON.stringify({ open: { [long]: 1 } }),
      JSON.stringify({ open: { clock: long } }),
      JSON.stringify({ open: { model: [long] } }),
      JSON.stringify({ inputChunk: { firstBin: long } }),
      JSON.stringify({ inputChunk: { bins: [{ exc: [long] }] } }),
      `{"open": ${long}`,
      JSON.stringify([long]),
    ];
    for (const t of texts) {
      const e = errorOf(() => decodeClient(t));
      expect(e.message.length).toBeLessThan(MAX_ECHO_CHARS + 150);
      expect(e.message).not.toContain('x'.repeat(MAX_ECHO_CHARS + 1));
    }
  });

  it('quotes short values whole and marks cut ones', () => {
    expect(echo('abc')).toBe('"abc"');
    expect(echo([1, 2])).toBe('[1,2]');
    expect(echo(undefined)).toBe('undefined');
    const cut = echo('é'.repeat(300));
    expect(cut).toBe(`"${'é'.repeat(MAX_ECHO_CHARS - 1)}… (300 characters)`);
    // escapes count too, and a surrogate pair is never split
    expect(echo('\n'.repeat(150)).indexOf('…')).toBe(MAX_ECHO_CHARS);
    const emoji = echo('😀'.repeat(150));
    expect(emoji.slice(0, emoji.indexOf('…'))).toMatch(/^"(😀)+$/);
  });
});

describe('server messages', () => {
  it('carries the new EMPTY_CHUNK code in both encodings', () => {
    const m = { error: { code: 'EMPTY_CHUNK' as const, message: 'no bins', bin: 4 } };
    expect(decodeServer(encodeServerBinary(m))).toEqual(m);
    expect(decodeServer(encodeServerJson(m))).toEqual(m);
  });
});
