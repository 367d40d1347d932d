/**
 * A batch of streams of one twin, stepped together one bin at a time: slot i is a stream's row
 * for as long as it lives. Two engines: the resident kernels (src/inference/kernels, the default
 * where they run the model) and the step graph in onnxruntime (ResidentBatch).
 */
import { KernelBatch, kernelsUnsupported } from './kernels/kernel-batch.js';
import { ShardedBatch } from './kernels/sharded-batch.js';
import { ResidentBatch } from './resident-batch.js';
import type { StepModel } from './step-model.js';

export interface StepInput {
  /** ids of row i are ids[offsets[i] .. offsets[i+1]) (one row per slot, or per (slot, bin)) */
  offsets: Uint32Array;
  /** combined synapse ids: excitatory 0..nExc-1, inhibitory nExc + id */
  ids: Uint32Array;
}

export interface StreamBatch {
  readonly engine: InferenceEngine;
  readonly size: number;
  /** outputs of the last step, slot i at index i (valid until the next step or addSlot) */
  readonly voltage: Float32Array;
  readonly spikeProb: Float32Array;
  /** a new slot at rest (zero state); returns its index */
  addSlot(): number;
  /** frees a slot by moving the last slot into it; returns the index the moved slot had */
  removeSlot(slot: number): number;
  /** most bins one step may advance (1 for the onnxruntime engine) */
  readonly maxBins: number;
  /**
   * `bins` bins (default 1) for every slot; slots flagged in `idle` keep their state (their outputs
   * are meaningless). With bins T, input row b·T + τ is slot b's bin τ, and so is output b·T + τ.
   */
  step(input: StepInput, idle?: Uint8Array | null, bins?: number): Promise<void>;
  dispose(): Promise<void>;
}

export type InferenceEngine = 'kernels' | 'onnx';
export type EngineChoice = InferenceEngine | 'auto';

/**
 * 'auto': the kernels when they run this model (unless NEUROTWIN_INFERENCE=onnx), else onnxruntime;
 * 'kernels' throws, naming the reason, when they cannot. `shards` > 1 splits a kernel batch over
 * that many worker threads (for models too heavy for one core).
 */
export function createStreamBatch(
  model: StepModel,
  capacity = 64,
  choice: EngineChoice = 'auto',
  shards = 1,
): StreamBatch {
  if (!Number.isInteger(shards) || shards < 1)
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  if (choice !== 'auto' && choice !== 'kernels' && choice !== 'onnx')
    throw new RangeError(`unknown inference engine '${String(choice)}' (auto, kernels or onnx)`);
  if (choice === 'onnx' || (choice === 'auto' && process.env.NEUROTWIN_INFERENCE === 'onnx'))
    return new ResidentBatch(model, capacity);
  const why = kernelsUnsupported(model);
  if (why !== null) {
    if (choice === 'kernels') throw new Error(`${model.manifest.id}: ${why}`);
    return new ResidentBatch(model, capacity);
  }
  try {
    return shards > 1 ? new ShardedBatch(model, capacity, shards) : new KernelBatch(model, capacity);
  } catch (err) {
    // a step graph whose weights the kernels cannot read (another exporter): 'auto' still serves it
    if (choice === 'kernels') throw err;
    return new ResidentBatch(model, capacity);
  }
}
