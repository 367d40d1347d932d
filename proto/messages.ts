/**
 * The messages of proto/neurotwin.proto as TypeScript types, in their JSON mirror form (camelCase
 * field names, enums by name, the set oneof member as the only key). Shared by the server and the SDK.
 */
import type { SpikeBin } from '../src/core/spikes.js';

export type { SpikeBin };

export type ClockName = 'ASAP' | 'REALTIME';
export type SourceName = 'SURROGATE' | 'REFERENCE';

export const ERROR_CODES = [
  'ERROR_UNSPECIFIED',
  'BAD_FRAME',
  'UNKNOWN_MESSAGE',
  'UNKNOWN_MODEL',
  'NOT_OPEN',
  'ALREADY_OPEN',
  'BAD_SYNAPSE',
  'BIN_ORDER',
  'FRAME_TOO_LARGE',
  'CHUNK_TOO_LARGE',
  'TOO_MANY_SESSIONS',
  'INTERNAL',
  'REFERENCE_FAILED',
  'BAD_OPEN',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OpenMsg {
  /** model id; absent or '' asks for the server's default model */
  model?: string;
  reference?: boolean;
  clock?: ClockName;
  tag?: string;
}

export interface InputChunkMsg {
  firstBin: number;
  /** one entry per bin: the ids of the synapses that received a spike in it */
  bins: SpikeBin[];
}

export type ClientMessage =
  { open: OpenMsg } | { inputChunk: InputChunkMsg } | { close: Record<string, never> };

export interface ModelInfo {
  id: string;
  neuron: string;
  nExc: number;
  nInh: number;
  receptiveField: number;
  spikeThreshold: number;
  architecture: string;
}

export interface OpenedMsg {
  session: string;
  model: ModelInfo;
  referenceCell: string;
  clock: ClockName;
  tag?: string;
  maxBinsPerChunk: number;
  maxFrameBytes: number;
}

export interface OutputChunkMsg {
  source: SourceName;
  firstBin: number;
  voltage: ArrayLike<number>;
  /** empty for reference chunks */
  spikeProb: ArrayLike<number>;
  /** one flag per bin (booleans, or 0/1 when produced by the server) */
  spike: ArrayLike<boolean | number>;
  referenceLagBins: number;
}

export interface ErrorMsg {
  code: ErrorCode;
  message: string;
  bin?: number;
}

export interface ClosedMsg {
  bins: number;
  surrogateSpikes: number;
  referenceSpikes: number;
  referenceBins: number;
  wallMs: number;
}

export type ServerMessage =
  { opened: OpenedMsg } | { outputChunk: OutputChunkMsg } | { error: ErrorMsg } | { closed: ClosedMsg };

/** A protocol violation or a server-side failure, with its wire code. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly bin?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
