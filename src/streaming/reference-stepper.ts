/**
 * Steps a reference neuron through binned input spikes and collects the outputs that became available,
 * aligned to their own bin index (a neuron with outputDelay d reports bin k after stepping bin k+d).
 */
import type { BinOutput, Neuron } from '../core/neuron.js';
import { emptyBins, type BinnedSpikes } from '../core/spikes.js';

export interface ReferenceOutputs {
  firstBin: number;
  voltage: Float32Array;
  /** 0/1 per bin */
  spike: Uint8Array;
}

export class ReferenceStepper {
  private readonly out: BinOutput = { bin: 0, voltage: 0, spike: false };
  /** next bin whose output the neuron will report */
  private nextOutputBin = 0;

  constructor(readonly neuron: Neuron) {
    neuron.reset();
  }

  step(bins: BinnedSpikes): ReferenceOutputs {
    const voltage = new Float32Array(bins.count);
    const spike = new Uint8Array(bins.count);
    const firstBin = this.nextOutputBin;
    let n = 0;
    for (let i = 0; i < bins.count; i++) {
      const exc = bins.exc.ids.subarray(bins.excOffsets[i], bins.excOffsets[i + 1]);
      const inh = bins.inh.ids.subarray(bins.inhOffsets[i], bins.inhOffsets[i + 1]);
      if (this.neuron.step(exc, inh, this.out)) {
        if (this.out.bin !== firstBin + n) {
          throw new Error(`reference neuron reported bin ${this.out.bin}, expected ${firstBin + n}`);
        }
        voltage[n] = this.out.voltage;
        spike[n] = this.out.spike ? 1 : 0;
        n++;
      }
    }
    this.nextOutputBin += n;
    return { firstBin, voltage: voltage.subarray(0, n), spike: spike.subarray(0, n) };
  }

  /**
   * Completes the bins still held back by the neuron's output delay by stepping empty bins (no input
   * after the last bin the client sent).
   */
  flush(): ReferenceOutputs {
    return this.step(emptyBins(this.neuron.outputDelay));
  }
}
