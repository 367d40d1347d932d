/** Settings of the streaming server (limits, where models come from). */
import type { NeuronFactory } from './neuron-factory.js';

export interface StreamingConfig {
  modelsDir: string;
  /** open sessions allowed at once */
  maxSessions: number;
  /** largest client frame accepted (bytes); larger frames get FRAME_TOO_LARGE */
  maxFrameBytes: number;
  maxBinsPerChunk: number;
  /** most streams of one model stepped in one onnxruntime run */
  maxBatch: number;
  /** run reference neurons in worker threads when the compiled worker exists */
  preferWorker: boolean;
  /** integration of compartmental reference cells (unset fields: DEFAULT_INTEGRATION's) */
  referenceIntegration?: { method?: string; dt?: number };
  /** override of the cell registry (tests) */
  neuronFactory?: () => Promise<NeuronFactory>;
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
    maxBatch: 64,
    preferWorker: true,
  };
}
