/**
 * Encoding and decoding of the wire messages, binary (protobuf) and JSON text. Works in Node and in
 * browsers: the schema comes from the JSON descriptor generated from neurotwin.proto.
 */
import protobuf from 'protobufjs/light.js';
import { schemaDescriptor } from './schema.generated.js';
import {
  ERROR_CODES,
  ProtocolError,
  type ClientMessage,
  type ClockName,
  type SpikeBin,
  type NeuronInputMsg,
  type ServerMessage,
  type SourceName,
} from './messages.js';

const root = protobuf.Root.fromJSON(schemaDescriptor);
const ClientMessageType = root.lookupType('neurotwin.v1.ClientMessage');
const ServerMessageType = root.lookupType('neurotwin.v1.ServerMessage');

const CLOCKS: readonly ClockName[] = ['ASAP', 'REALTIME'];
const SOURCES: readonly SourceName[] = ['SURROGATE', 'REFERENCE'];
const MAX_UINT32 = 0xffffffff;

const toObjectOptions = { enums: String, longs: Number, arrays: true, defaults: true } as const;

/** The protobuf root of the protocol (for tools that need reflection). */
export function protocolRoot(): protobuf.Root {
  return root;
}

// ---------------------------------------------------------------- server -> client

function serverToProto(msg: ServerMessage): Record<string, unknown> {
  if ('opened' in msg) {
    return { opened: { ...msg.opened, clock: CLOCKS.indexOf(msg.opened.clock) } };
  }
  if ('outputChunk' in msg) {
    return { outputChunk: { ...msg.outputChunk, source: SOURCES.indexOf(msg.outputChunk.source) } };
  }
  if ('error' in msg) {
    return { error: { ...msg.error, code: ERROR_CODES.indexOf(msg.error.code) } };
  }
  return msg as unknown as Record<string, unknown>;
}

export function encodeServerBinary(msg: ServerMessage): Uint8Array {
  return ServerMessageType.encode(serverToProto(msg)).finish();
}

export function encodeServerJson(msg: ServerMessage): string {
  if ('outputChunk' in msg) {
    const c = msg.outputChunk;
    return JSON.stringify({
      outputChunk: {
        source: c.source,
        firstBin: c.firstBin,
        voltage: Array.from(c.voltage),
        spikeProb: Array.from(c.spikeProb),
        spike: Array.from(c.spike, Boolean),
        referenceLagBins: c.referenceLagBins,
        ...(c.dendriticVoltage?.length ? { dendriticVoltage: Array.from(c.dendriticVoltage) } : {}),
        ...(c.neurons !== undefined && c.neurons > 1 ? { neurons: c.neurons } : {}),
      },
    });
  }
  return JSON.stringify(msg);
}

/** Decode a server frame: binary (protobuf) or text (JSON). */
export function decodeServer(data: Uint8Array | string): ServerMessage {
  let obj: Record<string, unknown>;
  if (typeof data === 'string') {
    try {
      obj = JSON.parse(data) as Record<string, unknown>;
    } catch (err) {
      throw new ProtocolError('BAD_FRAME', `server sent invalid JSON: ${(err as Error).message}`);
    }
  } else {
    let decoded: protobuf.Message;
    try {
      decoded = ServerMessageType.decode(data);
    } catch (err) {
      throw new ProtocolError('BAD_FRAME', `server sent an undecodable frame: ${(err as Error).message}`);
    }
    obj = ServerMessageType.toObject(decoded, { ...toObjectOptions, oneofs: false });
    // toObject with defaults fills every oneof member's absent sub-message with null/undefined
    const which = (decoded as unknown as { msg?: string }).msg;
    if (!which) throw new ProtocolError('UNKNOWN_MESSAGE', 'server frame holds no known message');
    obj = { [which]: obj[which] };
    // proto3 cannot tell an absent repeated field from an empty one; the JSON mirror leaves it out,
    // and a single-neuron chunk has no neuron count, as in its JSON form
    const chunk = obj.outputChunk as { dendriticVoltage?: unknown[]; neurons?: number } | undefined;
    if (chunk?.dendriticVoltage?.length === 0) delete chunk.dendriticVoltage;
    if (chunk && !chunk.neurons) delete chunk.neurons;
  }
  const keys = Object.keys(obj ?? {});
  if (keys.length !== 1 || !['opened', 'outputChunk', 'error', 'closed'].includes(keys[0])) {
    throw new ProtocolError('UNKNOWN_MESSAGE', `unknown server message with keys [${keys.join(', ')}]`);
  }
  return obj as unknown as ServerMessage;
}

// ---------------------------------------------------------------- client -> server

export function encodeClientBinary(msg: ClientMessage): Uint8Array {
  let proto: Record<string, unknown> = msg as unknown as Record<string, unknown>;
  if ('open' in msg) {
    proto = { open: { ...msg.open, clock: CLOCKS.indexOf(msg.open.clock ?? 'ASAP') } };
  }
  return ClientMessageType.encode(proto).finish();
}

export function encodeClientJson(msg: ClientMessage): string {
  if ('inputChunk' in msg) {
    const c = msg.inputChunk;
    const bin = (b: SpikeBin) => ({ exc: Array.from(b.exc ?? []), inh: Array.from(b.inh ?? []) });
    return JSON.stringify({
      inputChunk: {
        firstBin: c.firstBin,
        bins: c.bins.map(bin),
        ...(c.binCount !== undefined ? { binCount: c.binCount } : {}),
        ...(c.neuronInputs !== undefined
          ? { neuronInputs: c.neuronInputs.map((n) => ({ neuron: n.neuron, bins: n.bins.map(bin) })) }
          : {}),
      },
    });
  }
  return JSON.stringify(msg);
}

/**
 * Decode and check a client frame. Binary frames are protobuf; text frames are JSON and are checked
 * strictly (types, integers, known keys), because JSON cannot be trusted to hold uint32s.
 * Throws ProtocolError with BAD_FRAME, UNKNOWN_MESSAGE, BAD_OPEN or BAD_SYNAPSE.
 */
export function decodeClient(data: Uint8Array | string): ClientMessage {
  return typeof data === 'string' ? decodeClientJson(data) : decodeClientBinary(data);
}

function decodeClientBinary(data: Uint8Array): ClientMessage {
  let decoded: Record<string, unknown> & { msg?: string };
  try {
    decoded = ClientMessageType.decode(data) as unknown as Record<string, unknown> & { msg?: string };
  } catch (err) {
    throw new ProtocolError('BAD_FRAME', `undecodable protobuf frame: ${(err as Error).message}`);
  }
  switch (decoded.msg) {
    case 'open': {
      const o = decoded.open as {
        model: string;
        reference: boolean;
        clock: number;
        tag?: string | null;
        dendrites: boolean;
        neurons?: number;
      };
      const clock = CLOCKS[o.clock];
      if (clock === undefined) throw new ProtocolError('BAD_OPEN', `unknown clock value ${o.clock}`);
      return {
        open: {
          model: o.model,
          reference: o.reference,
          clock,
          tag: o.tag ?? undefined,
          ...(o.dendrites ? { dendrites: true } : {}),
          ...(o.neurons ? { neurons: o.neurons } : {}),
        },
      };
    }
    case 'inputChunk': {
      const c = decoded.inputChunk as {
        firstBin: number;
        bins: SpikeBin[];
        binCount?: number;
        neuronInputs?: NeuronInputMsg[];
      };
      const multi = (c.neuronInputs?.length ?? 0) > 0 || (c.binCount ?? 0) > 0;
      return {
        inputChunk: {
          firstBin: c.firstBin,
          bins: c.bins,
          ...(multi ? { binCount: c.binCount ?? 0, neuronInputs: c.neuronInputs ?? [] } : {}),
        },
      };
    }
    case 'close':
      return { close: {} };
    default:
      throw new ProtocolError('UNKNOWN_MESSAGE', 'frame holds none of open, inputChunk, close');
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeClientJson(text: string): ClientMessage {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('BAD_FRAME', `invalid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(obj)) throw new ProtocolError('UNKNOWN_MESSAGE', 'a JSON message must be an object');
  const keys = Object.keys(obj);
  if (keys.length !== 1) {
    throw new ProtocolError(
      'UNKNOWN_MESSAGE',
      `a JSON message has exactly one key (open, inputChunk or close), got [${keys.join(', ')}]`,
    );
  }
  const [kind] = keys;
  const body = obj[kind];
  switch (kind) {
    case 'open':
      return { open: checkOpen(body) };
    case 'inputChunk':
      return { inputChunk: checkInputChunk(body) };
    case 'close':
      return { close: {} };
    default:
      throw new ProtocolError('UNKNOWN_MESSAGE', `unknown message type '${kind}'`);
  }
}

function checkOpen(body: unknown): {
  model: string;
  reference: boolean;
  clock: ClockName;
  tag?: string;
  dendrites?: true;
  neurons?: number;
} {
  if (!isPlainObject(body)) throw new ProtocolError('BAD_OPEN', 'open must be an object');
  // an absent or empty model asks for the server's default model
  const { model = '', reference = false, clock = 'ASAP', tag, dendrites = false, neurons } = body;
  if (
    neurons !== undefined &&
    (typeof neurons !== 'number' || !Number.isInteger(neurons) || neurons < 0 || neurons > MAX_UINT32)
  )
    throw new ProtocolError(
      'BAD_OPEN',
      `open.neurons must be a non-negative integer, got ${JSON.stringify(neurons)}`,
    );
  if (typeof model !== 'string') throw new ProtocolError('BAD_OPEN', 'open.model must be a string');
  if (typeof reference !== 'boolean') throw new ProtocolError('BAD_OPEN', 'open.reference must be a boolean');
  const clockName = typeof clock === 'string' ? clock.toUpperCase() : clock;
  if (!CLOCKS.includes(clockName as ClockName)) {
    throw new ProtocolError(
      'BAD_OPEN',
      `open.clock must be "ASAP" or "REALTIME", got ${JSON.stringify(clock)}`,
    );
  }
  if (tag !== undefined && typeof tag !== 'string')
    throw new ProtocolError('BAD_OPEN', 'open.tag must be a string');
  if (typeof dendrites !== 'boolean') throw new ProtocolError('BAD_OPEN', 'open.dendrites must be a boolean');
  return {
    model,
    reference,
    clock: clockName as ClockName,
    tag,
    ...(dendrites ? { dendrites } : {}),
    ...(neurons ? { neurons } : {}),
  };
}

function checkIds(ids: unknown, what: string, bin: number): number[] {
  if (ids === undefined) return [];
  if (!Array.isArray(ids))
    throw new ProtocolError('BAD_SYNAPSE', `${what} must be an array of synapse ids`, bin);
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_UINT32) {
      throw new ProtocolError('BAD_SYNAPSE', `${what} holds ${JSON.stringify(id)}, not a synapse id`, bin);
    }
  }
  return ids as number[];
}

function checkBins(bins: unknown, firstBin: number, what: string): SpikeBin[] {
  if (!Array.isArray(bins)) throw new ProtocolError('BAD_FRAME', `${what} must be an array`);
  const out: SpikeBin[] = new Array(bins.length);
  for (let i = 0; i < bins.length; i++) {
    const b: unknown = bins[i];
    if (!isPlainObject(b))
      throw new ProtocolError('BAD_FRAME', `bin ${firstBin + i} must be an object`, firstBin + i);
    out[i] = {
      exc: checkIds(b.exc, `bin ${firstBin + i} exc`, firstBin + i),
      inh: checkIds(b.inh, `bin ${firstBin + i} inh`, firstBin + i),
    };
  }
  return out;
}

function checkNeuronInputs(v: unknown, firstBin: number): NeuronInputMsg[] {
  if (!Array.isArray(v)) throw new ProtocolError('BAD_FRAME', 'inputChunk.neuronInputs must be an array');
  return v.map((n: unknown, i) => {
    if (!isPlainObject(n))
      throw new ProtocolError('BAD_FRAME', `inputChunk.neuronInputs[${i}] must be an object`);
    const { neuron } = n;
    if (typeof neuron !== 'number' || !Number.isInteger(neuron) || neuron < 0 || neuron > MAX_UINT32)
      throw new ProtocolError('BAD_NEURON', `inputChunk.neuronInputs[${i}].neuron must be a neuron index`);
    return { neuron, bins: checkBins(n.bins ?? [], firstBin, `inputChunk.neuronInputs[${i}].bins`) };
  });
}

function checkInputChunk(body: unknown): {
  firstBin: number;
  bins: SpikeBin[];
  binCount?: number;
  neuronInputs?: NeuronInputMsg[];
} {
  if (!isPlainObject(body)) throw new ProtocolError('BAD_FRAME', 'inputChunk must be an object');
  const { firstBin = 0, bins = [], binCount, neuronInputs } = body;
  if (typeof firstBin !== 'number' || !Number.isInteger(firstBin) || firstBin < 0 || firstBin > MAX_UINT32) {
    throw new ProtocolError(
      'BIN_ORDER',
      `inputChunk.firstBin must be a non-negative integer, got ${firstBin}`,
    );
  }
  const out = checkBins(bins, firstBin, 'inputChunk.bins');
  if (binCount === undefined && neuronInputs === undefined) return { firstBin, bins: out };
  if (
    binCount !== undefined &&
    (typeof binCount !== 'number' || !Number.isInteger(binCount) || binCount < 0 || binCount > MAX_UINT32)
  )
    throw new ProtocolError(
      'BAD_FRAME',
      `inputChunk.binCount must be a non-negative integer, got ${JSON.stringify(binCount)}`,
    );
  return {
    firstBin,
    bins: out,
    binCount: (binCount as number | undefined) ?? 0,
    neuronInputs: neuronInputs === undefined ? [] : checkNeuronInputs(neuronInputs, firstBin),
  };
}
