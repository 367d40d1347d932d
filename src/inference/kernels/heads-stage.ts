/**
 * The two heads on the last hidden rows: spike probability σ(h·w_s + b_s) and voltage h·w_v + b_v
 * (mV; the exporter folded the voltage target into w_v, b_v).
 */
import type { StepWeights } from './step-weights.js';
import { MAX_BLOCK, type Arena, type ArenaPlan, type Region } from './stage.js';

export class HeadsStage {
  readonly prob: Region;
  readonly voltage: Region;
  private readonly ws: Region;
  private readonly wv: Region;
  private readonly bs: number;
  private readonly bv: number;

  constructor(
    plan: ArenaPlan,
    private readonly H: number,
    private readonly hidden: Region,
    weights: StepWeights,
  ) {
    this.ws = plan.weights(weights.get('spike_w', [H, 1]));
    this.wv = plan.weights(weights.get('voltage_w', [H, 1]));
    this.bs = weights.get('spike_b', [1])[0];
    this.bv = weights.get('voltage_b', [1])[0];
    this.prob = plan.scratch(4 * MAX_BLOCK);
    this.voltage = plan.scratch(4 * MAX_BLOCK);
  }

  /** `rows` = slots × bins, written from output row `firstRow` on */
  step(arena: Arena, rows: number, firstRow: number): void {
    arena.kernels.heads(
      rows,
      this.H,
      this.hidden.offset,
      this.ws.offset,
      this.bs,
      this.wv.offset,
      this.bv,
      this.prob.offset + 4 * firstRow,
      this.voltage.offset + 4 * firstRow,
    );
  }
}
