/** Settings of the streaming server (limits, where models come from, the default model). */
import { availableParallelism } from 'node:os';

export interface StreamingConfig {
  modelsDir: string;
  /** open sessions allowed at once */
  maxSessions: number;
  /** largest client frame accepted (bytes); larger frames get FRAME_TOO_LARGE */
  maxFrameBytes: number;
  maxBinsPerChunk: number;
  /** most neurons one multi-neuron session may open */
  maxNeuronsPerSession: number;
  /** rows preallocated per model at first (every open stream of a model is stepped in one run; the batch grows) */
  maxBatch: number;
  /** run reference neurons in worker threads when the compiled worker exists */
  preferWorker: boolean;
  /** model id served to a client whose open names no model; null: clients must name one */
  defaultModel: string | null;
  /** folder of the built browser dashboard (default: clients/web/dist of this project) */
  webDir?: string;
  /** integration of compartmental reference cells (unset fields: DEFAULT_INTEGRATION's) */
  referenceIntegration?: { method?: string; dt?: number; spikeDt?: number | null };
  // flow control
  /** bins a session may have accepted but not yet sent back from every source (opened.inputCreditBins) */
  inputCreditBins: number;
  /** a socket whose unsent output passes this many bytes stops being read (its session pauses) */
  outputPauseBytes: number;
  /** unsent output over this many bytes, or over outputPauseBytes for slowConsumerMs: SLOW_CONSUMER */
  outputDropBytes: number;
  slowConsumerMs: number;
  /** reference worker threads started with the server, shared by every reference session */
  referenceWorkers: number;

  // limits, auth, observability
  /** WebSocket connections open at once, server-wide (TOO_MANY_CONNECTIONS beyond) */
  maxConnections: number;
  /** WebSocket connections open at once from one remote address (TOO_MANY_CONNECTIONS beyond) */
  maxConnectionsPerAddress: number;
  /** session opens one connection may make in any 60 s (OPEN_RATE_LIMITED beyond) */
  maxOpensPerMinute: number;
  /** a connection that neither sends nor receives a frame for this long is closed with IDLE_TIMEOUT (ms; 0: never) */
  idleTimeoutMs: number;
  /** ping interval (ms); a connection that has not answered the previous ping is dropped (0: no heartbeat) */
  heartbeatMs: number;
  /** clients must present this token on /stream and /metrics (null: no authentication) */
  token: string | null;
  /** structured log lines as text or as one JSON object per line */
  logFormat: LogFormat;
}

export type LogFormat = 'text' | 'json';

/** The default model of `neurotwin serve` and `npm start` unless NEUROTWIN_DEFAULT_MODEL or --default-model says otherwise. */
export const DEFAULT_MODEL = 'if-paper';

/** NEUROTWIN_DEFAULT_MODEL, or DEFAULT_MODEL; '' means no default. */
export function defaultModelId(): string {
  return process.env.NEUROTWIN_DEFAULT_MODEL ?? DEFAULT_MODEL;
}

/** One line for the start-up message: where the models come from and which one is the default. */
export function servingNote(modelsDir: string, defaultModel: string): string {
  return `models from ${modelsDir}; default model: ${defaultModel || 'none'}`;
}

export const STREAMING_CONFIG = Symbol('STREAMING_CONFIG');

/** Frames above this are refused by ws itself (connection closed with 1009). */
export const HARD_FRAME_LIMIT_BYTES = 16 * 1024 * 1024;

export function defaultStreamingConfig(modelsDir: string): StreamingConfig {
  return {
    modelsDir,
    maxSessions: 64,
    maxFrameBytes: 1024 * 1024,
    maxBinsPerChunk: 10_000,
    maxNeuronsPerSession: 1024,
    maxBatch: 64,
    preferWorker: true,
    defaultModel: null,
    // flow control
    inputCreditBins: 20_000,
    outputPauseBytes: 1024 * 1024,
    outputDropBytes: 16 * 1024 * 1024,
    slowConsumerMs: 10_000,
    referenceWorkers: Math.max(1, availableParallelism() - 1),
    ...defaultOperationsConfig(),
  };
}

/** The settings of the `// limits, auth, observability` block (each a serve flag and a variable). */
export type OperationKey =
  | 'maxSessions'
  | 'maxConnections'
  | 'maxConnectionsPerAddress'
  | 'maxOpensPerMinute'
  | 'idleTimeoutMs'
  | 'heartbeatMs'
  | 'token'
  | 'logFormat';

/** Defaults of that block (`maxSessions` keeps its place among the older limits). */
export function defaultOperationsConfig(): Pick<StreamingConfig, Exclude<OperationKey, 'maxSessions'>> {
  return {
    maxConnections: 256,
    maxConnectionsPerAddress: 32,
    maxOpensPerMinute: 60,
    idleTimeoutMs: 120_000,
    heartbeatMs: 30_000,
    token: null,
    logFormat: 'text',
  };
}
