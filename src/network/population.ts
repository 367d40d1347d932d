/**
 * A population: N neurons of one kind stepped together, one bin at a time. Twins of a model run in
 * one StreamBatch (all neurons in one step per ms, on the resident kernels where they run the model); reference cells (for small sizes)
 * run one Neuron object each. Either way a step takes one CSR of combined synapse ids per neuron
 * (excitatory 0..nExc-1, inhibitory nExc + id) and leaves voltage and spike flags per neuron.
 */
import { type StepInput, type StreamBatch, createStreamBatch } from '../inference/stream-batch.js';
import type { StepModel } from '../inference/step-model.js';
import type { BinOutput, Neuron } from '../core/neuron.js';
import { DEFAULT_REFRACTORY_MS, SpikeEventBank } from '../surrogate/spike-events.js';

export interface PopulationKind {
  /** 'twin:<model id>' or 'reference:<cell>' */
  readonly label: string;
  readonly nExc: number;
  readonly nInh: number;
  /**
   * Bins between stepping bin k and knowing its outputs (0 for twins and the I&F cell, 1 for the
   * compartmental cells); `voltage`/`spike` after a step belong to bin (stepped - 1 - outputDelay).
   */
  readonly outputDelay: number;
  readonly voltage: Float32Array;
  readonly spike: Uint8Array;
  /** false while the first outputDelay bins are not known yet */
  readonly outputsValid: boolean;
  step(input: StepInput): Promise<void>;
  dispose(): Promise<void>;
}

export class TwinPopulation implements PopulationKind {
  readonly label: string;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay = 0;
  readonly outputsValid = true;
  readonly voltage: Float32Array;
  readonly spike: Uint8Array;
  private readonly batch: StreamBatch;
  /** a neuron's spike is the onset of a run of bins over the threshold, not every such bin */
  private readonly detectors: SpikeEventBank;

  constructor(
    private readonly model: StepModel,
    readonly size: number,
    threads = 1,
  ) {
    this.label = `twin:${model.manifest.id}`;
    this.nExc = model.manifest.inputs.nExc;
    this.nInh = model.manifest.inputs.nInh;
    this.batch = createStreamBatch(model, size, 'auto', threads);
    for (let i = 0; i < size; i++) this.batch.addSlot();
    this.voltage = new Float32Array(size);
    this.spike = new Uint8Array(size);
    const rule = {
      threshold: model.manifest.spikeThreshold,
      refractoryBins: model.manifest.spikeEvents?.refractoryMs ?? DEFAULT_REFRACTORY_MS,
    };
    this.detectors = new SpikeEventBank(rule, size);
  }

  async step(input: StepInput): Promise<void> {
    await this.batch.step(input);
    this.voltage.set(this.batch.voltage.subarray(0, this.size));
    this.detectors.step(this.batch.spikeProb, this.spike);
  }

  /** The batch's own resources; the StepModel is shared by populations and released by the network. */
  dispose(): Promise<void> {
    return this.batch.dispose();
  }
}

export class ReferencePopulation implements PopulationKind {
  readonly label: string;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay: number;
  readonly voltage: Float32Array;
  readonly spike: Uint8Array;
  outputsValid = false;
  private readonly out: BinOutput = { bin: 0, voltage: 0, spike: false };
  private readonly exc: number[] = [];
  private readonly inh: number[] = [];

  constructor(private readonly neurons: Neuron[]) {
    if (neurons.length === 0) throw new RangeError('a reference population needs at least one neuron');
    const first = neurons[0];
    this.label = `reference:${first.cell}`;
    this.nExc = first.nExc;
    this.nInh = first.nInh;
    this.outputDelay = first.outputDelay;
    this.voltage = new Float32Array(neurons.length);
    this.spike = new Uint8Array(neurons.length);
  }

  step(input: StepInput): Promise<void> {
    const { offsets, ids } = input;
    let valid = true;
    for (let i = 0; i < this.neurons.length; i++) {
      this.exc.length = 0;
      this.inh.length = 0;
      for (let j = offsets[i]; j < offsets[i + 1]; j++) {
        const id = ids[j];
        if (id < this.nExc) this.exc.push(id);
        else this.inh.push(id - this.nExc);
      }
      const ready = this.neurons[i].step(this.exc, this.inh, this.out);
      valid &&= ready;
      this.voltage[i] = ready ? this.out.voltage : NaN;
      this.spike[i] = ready && this.out.spike ? 1 : 0;
    }
    this.outputsValid = valid;
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
