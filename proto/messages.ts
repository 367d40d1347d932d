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
  'BAD_NEURON',
  'EMPTY_CHUNK',
  'TOO_MANY_CONNECTIONS',
  'OPEN_RATE_LIMITED',
  'IDLE_TIMEOUT',
  'HEARTBEAT_TIMEOUT',
  'INPUT_OVERRUN',
  'SLOW_CONSUMER',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OpenMsg {
  /** model id; absent or '' asks for the server's default model */
  model?: string;
  reference?: boolean;
  clock?: ClockName;
  tag?: string;
  /** with reference on: also stream the reference's dendritic voltages (compartmental cells) */
  dendrites?: boolean;
  /** multi-neuron session: neurons of the model (absent, 0 or 1: a single neuron) */
  neurons?: number;
}

/** Input of one neuron of a multi-neuron session: exactly `binCount` bins. */
export interface NeuronInputMsg {
  neuron: number;
  bins: SpikeBin[];
}

/**
 * Single-neuron sessions: `bins`. Multi-neuron sessions: `binCount` bins for every neuron, the
 * neurons with input spikes listed in `neuronInputs`.
 */
export interface InputChunkMsg {
  firstBin: number;
  /** single-neuron sessions: one entry per bin, the ids of the synapses that received a spike in it */
  bins: SpikeBin[];
  binCount?: number;
  neuronInputs?: NeuronInputMsg[];
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
  /** dendritic voltages per bin in reference chunks (0 unless open.dendrites) */
  nDendrites?: number;
  /** neurons of this session (1 for a single-neuron session; absent from older servers) */
  neurons?: number;
  maxNeuronsPerSession?: number;
  /**
   * flow control: at most this many bins may be sent and not yet answered by every source of the
   * session (absent from older servers: no limit announced)
   */
  inputCreditBins?: number;
}

export interface OutputChunkMsg {
  source: SourceName;
  firstBin: number;
  voltage: ArrayLike<number>;
  /** empty for reference chunks */
  spikeProb: ArrayLike<number>;
  /** one flag per bin (booleans, or 0/1 when produced by the server) */
  spike: ArrayLike<boolean | number>;
  /** surrogate bins sent − reference bins sent, signed (negative: the reference is ahead) */
  referenceLagBins: number;
  /**
   * reference chunks of an open with dendrites: bins × nDendrites voltages (mV), row-major, value j
   * of a row = dendritic compartment j (the one of synapse j); absent or empty otherwise
   */
  dendriticVoltage?: ArrayLike<number>;
  /** multi-neuron sessions: neurons in the chunk, arrays neuron-major (absent, 0 or 1: one neuron) */
  neurons?: number;
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

/** The most characters of client input that an error message repeats. */
export const MAX_ECHO_CHARS = 200;

function cut(text: string, max: number): string {
  const c = text.charCodeAt(max - 1);
  // never split a surrogate pair
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** `text` cut to at most `max` characters, marked when cut. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  return text.length <= max ? text : `${cut(text, max)}… (${text.length} characters)`;
}

/** A value of client input as an error message quotes it: its JSON text, at most MAX_ECHO_CHARS of it. */
export function echo(value: unknown): string {
  if (typeof value !== 'string') return clip(JSON.stringify(value) ?? String(value));
  const quoted = JSON.stringify(value.length > MAX_ECHO_CHARS ? cut(value, MAX_ECHO_CHARS) : value);
  const shown = quoted.length <= MAX_ECHO_CHARS ? quoted : cut(quoted, MAX_ECHO_CHARS);
  return value.length > MAX_ECHO_CHARS || shown !== quoted
    ? `${shown}… (${value.length} characters)`
    : quoted;
}

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
