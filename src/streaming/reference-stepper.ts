/**
 * Steps a reference neuron through binned input spikes and collects the outputs that became available,
 * aligned to their own bin index (a neuron with outputDelay d reports bin k after stepping bin k+d).
 * Optionally records the dendritic compartment voltages of each bin, sampled like the soma: at t = k,
 * before the inputs of bin k act (spec §6.3).
 */
import type { BinOutput, Neuron } from '../core/neuron.js';
import { emptyBins, type BinnedSpikes } from '../core/spikes.js';
import { dendriteProbe, type DendriteProbe } from './dendrite-probe.js';

export interface ReferenceOutputs {
  firstBin: number;
  voltage: Float32Array;
  /** 0/1 per bin */
  spike: Uint8Array;
  /** with dendrites recorded: bins × nDendrites voltages (mV), row-major */
  dendriticVoltage?: Float32Array;
}

export interface ReferenceStepperOptions {
  /** record the dendritic compartments (compartmental neurons only) */
  dendrites?: boolean;
}

export class ReferenceStepper {
  private readonly out: BinOutput = { bin: 0, voltage: 0, spike: false };
  /** next bin whose output the neuron will report */
  private nextOutputBin = 0;
  private readonly probe: DendriteProbe | null = null;
  readonly nDendrites: number;
  /** dendrite rows of the last outputDelay + 1 stepped bins, by bin index modulo that count */
  private readonly pendingRows: Float32Array;

  constructor(
    readonly neuron: Neuron,
    options: ReferenceStepperOptions = {},
  ) {
    neuron.reset();
    if (options.dendrites) {
      this.probe = dendriteProbe(neuron);
      if (!this.probe) {
        throw new RangeError(
          `cell '${neuron.cell}' has no dendritic compartments to record (dendrites need a compartmental cell)`,
        );
      }
    }
    this.nDendrites = this.probe?.nodes.length ?? 0;
    this.pendingRows = new Float32Array((neuron.outputDelay + 1) * this.nDendrites);
  }

  step(bins: BinnedSpikes): ReferenceOutputs {
    const voltage = new Float32Array(bins.count);
    const spike = new Uint8Array(bins.count);
    const D = this.nDendrites;
    const dendritic = D > 0 ? new Float32Array(bins.count * D) : null;
    const ringRows = this.neuron.outputDelay + 1;
    const firstBin = this.nextOutputBin;
    let n = 0;
    for (let i = 0; i < bins.count; i++) {
      if (this.probe) this.sampleDendrites((this.neuron.binsStepped % ringRows) * D);
      const exc = bins.exc.ids.subarray(bins.excOffsets[i], bins.excOffsets[i + 1]);
      const inh = bins.inh.ids.subarray(bins.inhOffsets[i], bins.inhOffsets[i + 1]);
      if (this.neuron.step(exc, inh, this.out)) {
        if (this.out.bin !== firstBin + n) {
          throw new Error(`reference neuron reported bin ${this.out.bin}, expected ${firstBin + n}`);
        }
        voltage[n] = this.out.voltage;
        spike[n] = this.out.spike ? 1 : 0;
        if (dendritic) {
          const row = (this.out.bin % ringRows) * D;
          dendritic.set(this.pendingRows.subarray(row, row + D), n * D);
        }
        n++;
      }
    }
    this.nextOutputBin += n;
    const outputs: ReferenceOutputs = {
      firstBin,
      voltage: voltage.subarray(0, n),
      spike: spike.subarray(0, n),
    };
    if (dendritic) outputs.dendriticVoltage = dendritic.subarray(0, n * D);
    return outputs;
  }

  private sampleDendrites(row: number): void {
    const { nodes, v } = this.probe!;
    const rows = this.pendingRows;
    for (let j = 0; j < nodes.length; j++) rows[row + j] = v[nodes[j]];
  }

  /**
   * Completes the bins still held back by the neuron's output delay by stepping empty bins (no input
   * after the last bin the client sent).
   */
  flush(): ReferenceOutputs {
    return this.step(emptyBins(this.neuron.outputDelay));
  }
}
