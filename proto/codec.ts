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
  type ServerMessage,
} from './messages.js';

const root = protobuf.Root.fromJSON(schemaDescriptor);
const ClientMessageType = root.lookupType('neurotwin.v1.ClientMessage');
const ServerMessageType = root.lookupType('neurotwin.v1.ServerMessage');

const CLOCKS: readonly ClockName[] = ['ASAP', 'REALTIME'];

import { encodeInputChunkFrame } from './input-chunk-wire.js';
import { decodeOutputChunkFrame, encodeOutputChunkFrame } from './output-chunk-wire.js';

export { decodeClient } from './decode-client.js';

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
  if ('error' in msg) {
    return { error: { ...msg.error, code: ERROR_CODES.indexOf(msg.error.code) } };
  }
  return msg as unknown as Record<string, unknown>;
}

export function encodeServerBinary(msg: ServerMessage): Uint8Array {
  // the stream's data frames have an encoder of their own (output-chunk-wire.ts)
  if ('outputChunk' in msg) return encodeOutputChunkFrame(msg.outputChunk);
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
    const fast = decodeOutputChunkFrame(data);
    if (fast) return fast;
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
  if ('inputChunk' in msg) {
    const c = msg.inputChunk;
    const plain = c.binCount === undefined && c.neuronInputs === undefined;
    const fast = plain ? encodeInputChunkFrame(c.firstBin, c.bins) : null;
    if (fast) return fast;
  }
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
