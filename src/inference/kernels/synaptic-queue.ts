/**
 * The synaptic layer (synaptic-conv, kernel k, F filters) resident: a queue of the next L bins'
 * partial outputs per slot. A spike on synapse s adds its k lags of taps (the step graph's
 * `by_synapse` table, [nIn + 1][k][F]) into the bins they are due; the current bin is read, then
 * cleared. A step costs (spiking synapses) × k × F, whatever k is.
 */
import type { SynapticConvConfig } from '../../surrogate/layers/synaptic-conv.js';
import type { StepWeights } from './step-weights.js';
import {
  ACTIVATION_CODE,
  type Arena,
  type ArenaPlan,
  type BatchRegions,
  type Region,
  type Stage,
  MAX_BLOCK,
  ringLength,
  slotAt,
} from './stage.js';

export class SynapticQueueStage implements Stage {
  readonly width: number;
  readonly out: Region;
  private readonly table: Region;
  private readonly bias: Region;
  private readonly queue: Region | null;
  private readonly L: number;

  constructor(
    plan: ArenaPlan,
    private readonly io: BatchRegions,
    private readonly config: SynapticConvConfig,
    nIn: number,
    weights: StepWeights,
    prefix: string,
  ) {
    const { kernel: k, filters: F } = config;
    this.width = F;
    this.table = plan.weights(weights.get(`${prefix}_by_synapse`, [nIn + 1, k * F]));
    this.bias = plan.weights(weights.get(`${prefix}_b`, [F]));
    this.L = k > 1 ? ringLength(k - 1) : 0;
    // slot-major: a spike adds its k lags to k consecutive rows, one contiguous run
    this.queue = k > 1 ? plan.ring(this.L, F * 4, 'slot-major') : null;
    this.out = plan.scratch(F * 4 * MAX_BLOCK);
  }

  step(arena: Arena, n: number, T: number, first: number): void {
    const { io, config: c } = this;
    arena.kernels.synapticStep(
      n,
      T,
      c.kernel,
      c.filters,
      this.L,
      this.table.offset,
      this.bias.offset,
      ACTIVATION_CODE[c.activation],
      io.offsets.offset + 4 * first * T, // the CSR's rows are (slot, bin), T per slot
      io.ids.offset,
      slotAt(io.idle, first),
      slotAt(io.clock, first),
      this.queue ? slotAt(this.queue, first) : 0,
      this.out.offset,
    );
  }
}
