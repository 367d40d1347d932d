/**
 * Strict decoding of client frames, the same rules for both encodings:
 * - BAD_FRAME: the frame is not a well-formed message of neurotwin.proto (undecodable, a field or
 *   key the schema does not have, a value of the wrong type or wire type, an integer that is not
 *   a uint32, JSON nested too deep);
 * - UNKNOWN_MESSAGE: none, or more than one, of open / inputChunk / close;
 * - BAD_OPEN: a well-formed open naming a clock the protocol does not have;
 * - EMPTY_CHUNK: an inputChunk without bins.
 * Every piece of input an error message repeats goes through `echo` (at most 200 characters).
 */
import protobuf from 'protobufjs/light.js';
import { schemaDescriptor } from './schema.generated.js';
import { checkJsonDepth } from './json-depth.js';
import { messageSpec, readStrict } from './strict-protobuf.js';
import {
  ProtocolError,
  clip,
  echo,
  type ClientMessage,
  type ClockName,
  type InputChunkMsg,
  type NeuronInputMsg,
  type OpenMsg,
  type SpikeBin,
} from './messages.js';

const CLIENT_SPEC = messageSpec(
  protobuf.Root.fromJSON(schemaDescriptor).lookupType('neurotwin.v1.ClientMessage'),
);
const CLOCKS: readonly ClockName[] = ['ASAP', 'REALTIME'];
const KINDS = ['open', 'inputChunk', 'close'] as const;
const MAX_UINT32 = 0xffffffff;

/**
 * Decode and check a client frame: binary frames are protobuf, text frames JSON.
 * Throws ProtocolError with BAD_FRAME, UNKNOWN_MESSAGE, BAD_OPEN or EMPTY_CHUNK.
 */
export function decodeClient(data: Uint8Array | string): ClientMessage {
  return typeof data === 'string' ? decodeClientJson(data) : decodeClientBinary(data);
}

// ---------------------------------------------------------------- both encodings

function checkedOpen(o: Omit<OpenMsg, 'clock'> & { clock: ClockName }): OpenMsg {
  return {
    model: o.model ?? '',
    reference: o.reference ?? false,
    clock: o.clock,
    tag: o.tag,
    ...(o.dendrites ? { dendrites: true } : {}),
    ...(o.neurons ? { neurons: o.neurons } : {}),
  };
}

/** A chunk has `bins` (one neuron) or `binCount` + `neuronInputs` (several), and at least one bin. */
function checkedChunk(
  firstBin: number,
  bins: SpikeBin[],
  binCount: number,
  neuronInputs: NeuronInputMsg[],
): InputChunkMsg {
  const multi = binCount > 0 || neuronInputs.length > 0;
  if (multi && bins.length > 0)
    throw new ProtocolError(
      'BAD_FRAME',
      'an inputChunk holds bins (one neuron) or binCount and neuronInputs (several neurons), not both',
      firstBin,
    );
  if ((multi ? binCount : bins.length) === 0)
    throw new ProtocolError(
      'EMPTY_CHUNK',
      `the inputChunk at bin ${firstBin} holds no bins${multi ? ' (binCount is 0)' : ''}`,
      firstBin,
    );
  return multi ? { firstBin, bins: [], binCount, neuronInputs } : { firstBin, bins };
}

// ---------------------------------------------------------------- protobuf

interface PbBin {
  exc: number[];
  inh: number[];
}

function decodeClientBinary(data: Uint8Array): ClientMessage {
  // a ClientMessage field this server does not know is a message it does not know, as in JSON
  const msg = readStrict(data, CLIENT_SPEC, 'UNKNOWN_MESSAGE');
  const present = KINDS.filter((k) => msg[k] !== undefined);
  if (present.length !== 1)
    throw new ProtocolError(
      'UNKNOWN_MESSAGE',
      present.length === 0
        ? 'frame holds none of open, inputChunk, close'
        : `frame holds several messages (${present.join(', ')}); send one per frame`,
    );
  switch (present[0]) {
    case 'open': {
      const o = msg.open as {
        model: string;
        reference: boolean;
        clock: number;
        tag?: string;
        dendrites: boolean;
        neurons: number;
      };
      const clock = CLOCKS[o.clock];
      if (clock === undefined) throw new ProtocolError('BAD_OPEN', `unknown clock value ${o.clock}`);
      return { open: checkedOpen({ ...o, clock }) };
    }
    case 'inputChunk': {
      const c = msg.inputChunk as {
        firstBin: number;
        bins: PbBin[];
        binCount: number;
        neuronInputs: { neuron: number; bins: PbBin[] }[];
      };
      return { inputChunk: checkedChunk(c.firstBin, c.bins, c.binCount, c.neuronInputs) };
    }
    default:
      return { close: {} };
  }
}

// ---------------------------------------------------------------- JSON

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string, bin?: number): ProtocolError {
  return new ProtocolError('BAD_FRAME', message, bin);
}

function object(v: unknown, what: string, keys: readonly string[], bin?: number): Record<string, unknown> {
  if (!isPlainObject(v)) throw bad(`${what} must be an object, got ${echo(v)}`, bin);
  for (const k in v) if (!keys.includes(k)) throw bad(`${what} has no field ${echo(k)}`, bin);
  return v;
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT32;
}

function uint32(v: unknown, what: string, bin?: number): number {
  if (!isUint32(v)) throw bad(`${what} must be an integer in [0, 2^32), got ${echo(v)}`, bin);
  return v;
}

function optional<T>(v: unknown, what: string, type: 'string' | 'boolean'): T | undefined {
  if (v !== undefined && typeof v !== type) throw bad(`${what} must be a ${type}, got ${echo(v)}`);
  return v as T | undefined;
}

function decodeClientJson(text: string): ClientMessage {
  checkJsonDepth(text);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text
    throw bad(`invalid JSON: ${clip((err as Error).message)}`);
  }
  if (!isPlainObject(obj))
    throw new ProtocolError('UNKNOWN_MESSAGE', `a JSON message must be an object, got ${echo(obj)}`);
  const keys = Object.keys(obj);
  if (keys.length !== 1)
    throw new ProtocolError(
      'UNKNOWN_MESSAGE',
      `a JSON message has exactly one key (open, inputChunk or close), got ${echo(keys)}`,
    );
  const [kind] = keys;
  const body = obj[kind];
  switch (kind) {
    case 'open':
      return { open: jsonOpen(body) };
    case 'inputChunk':
      return { inputChunk: jsonChunk(body) };
    case 'close':
      object(body, 'close', []);
      return { close: {} };
    default:
      throw new ProtocolError('UNKNOWN_MESSAGE', `unknown message type ${echo(kind)}`);
  }
}

const OPEN_KEYS = ['model', 'reference', 'clock', 'tag', 'dendrites', 'neurons'] as const;

function jsonOpen(body: unknown): OpenMsg {
  const o = object(body, 'open', OPEN_KEYS);
  const clock = optional<string>(o.clock, 'open.clock', 'string') ?? 'ASAP';
  // enum names exactly as in neurotwin.proto; an unknown one is an open the server cannot honour
  if (!CLOCKS.includes(clock as ClockName))
    throw new ProtocolError('BAD_OPEN', `open.clock must be "ASAP" or "REALTIME", got ${echo(clock)}`);
  return checkedOpen({
    model: optional<string>(o.model, 'open.model', 'string'),
    reference: optional<boolean>(o.reference, 'open.reference', 'boolean'),
    clock: clock as ClockName,
    tag: optional<string>(o.tag, 'open.tag', 'string'),
    dendrites: optional<boolean>(o.dendrites, 'open.dendrites', 'boolean'),
    neurons: o.neurons === undefined ? undefined : uint32(o.neurons, 'open.neurons'),
  });
}

const CHUNK_KEYS = ['firstBin', 'bins', 'binCount', 'neuronInputs'] as const;
const NEURON_INPUT_KEYS = ['neuron', 'bins'] as const;

function jsonIds(v: unknown, what: string, i: number, side: 'exc' | 'inh', bin: number): number[] {
  if (v === undefined) return [];
  const where = () => `${what}[${i}].${side} (bin ${bin})`;
  if (!Array.isArray(v)) throw bad(`${where()} must be an array of synapse ids, got ${echo(v)}`, bin);
  for (let j = 0; j < v.length; j++) {
    const id: unknown = v[j];
    if (!isUint32(id)) throw bad(`${where()} holds ${echo(id)}, not an integer in [0, 2^32)`, bin);
  }
  return v as number[];
}

function jsonBins(v: unknown, firstBin: number, what: string): SpikeBin[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(`${what} must be an array, got ${echo(v)}`);
  const out: SpikeBin[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const bin = firstBin + i;
    const b: unknown = v[i];
    if (!isPlainObject(b)) throw bad(`${what}[${i}] (bin ${bin}) must be an object, got ${echo(b)}`, bin);
    for (const k in b)
      if (k !== 'exc' && k !== 'inh') throw bad(`${what}[${i}] (bin ${bin}) has no field ${echo(k)}`, bin);
    out[i] = { exc: jsonIds(b.exc, what, i, 'exc', bin), inh: jsonIds(b.inh, what, i, 'inh', bin) };
  }
  return out;
}

function jsonNeuronInputs(v: unknown, firstBin: number): NeuronInputMsg[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(`inputChunk.neuronInputs must be an array, got ${echo(v)}`);
  return v.map((item: unknown, i) => {
    const what = `inputChunk.neuronInputs[${i}]`;
    const n = object(item, what, NEURON_INPUT_KEYS);
    return { neuron: uint32(n.neuron, `${what}.neuron`), bins: jsonBins(n.bins, firstBin, `${what}.bins`) };
  });
}

function jsonChunk(body: unknown): InputChunkMsg {
  const c = object(body, 'inputChunk', CHUNK_KEYS);
  const firstBin = c.firstBin === undefined ? 0 : uint32(c.firstBin, 'inputChunk.firstBin');
  return checkedChunk(
    firstBin,
    jsonBins(c.bins, firstBin, 'inputChunk.bins'),
    c.binCount === undefined ? 0 : uint32(c.binCount, 'inputChunk.binCount'),
    jsonNeuronInputs(c.neuronInputs, firstBin),
  );
}
