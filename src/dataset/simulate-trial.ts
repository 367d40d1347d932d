import { paramsRecord, PatternGenerator, type PatternGeneratorConfig } from '../inputs/paper-pattern.js';
import { spikeLabels, type LabelConvention } from '../reference/conventions.js';
import { cellInfo, createNeuron, type CellOptions } from '../reference/cells/registry.js';
import type { BinOutput, Neuron } from '../reference/neuron.js';
import type { Trial } from './trial.js';

export interface TrialRunnerOptions {
  /** input statistics; default: the cell's paper preset */
  inputs?: PatternGeneratorConfig;
  neuronOptions?: CellOptions;
}

const NO_SPIKES = new Int32Array(0);

/**
 * Simulates trials of one cell and length: draws the input pattern from the trial seed, steps the
 * reference neuron bin by bin (plus `outputDelay` empty bins so that every bin's outputs arrive),
 * and records the soma voltage, the spike times and the labels. Reuses its neuron and generator
 * buffers, so one runner per worker.
 */
export class TrialRunner {
  readonly cell: string;
  readonly durationMs: number;
  readonly inputs: PatternGeneratorConfig;
  readonly labelConvention: LabelConvention;
  private readonly neuron: Neuron;
  private readonly generator: PatternGenerator;

  constructor(cell: string, durationMs: number, options: TrialRunnerOptions = {}) {
    const info = cellInfo(cell);
    this.cell = cell;
    this.durationMs = durationMs;
    this.labelConvention = info.labelConvention;
    this.inputs = options.inputs ?? info.defaultInputs(options.neuronOptions);
    if (this.inputs.nExc !== info.nExc || this.inputs.nInh !== info.nInh) {
      throw new RangeError(
        `input generator '${this.inputs.preset}' has ${this.inputs.nExc}/${this.inputs.nInh} synapses, cell '${cell}' has ${info.nExc}/${info.nInh}`,
      );
    }
    this.generator = new PatternGenerator(this.inputs, durationMs);
    this.neuron = createNeuron(cell, options.neuronOptions);
  }

  run(seed: number): Trial {
    const T = this.durationMs;
    const pattern = this.generator.generate(seed);
    const neuron = this.neuron;
    neuron.reset();
    const somaVoltage = new Float32Array(T);
    const out: BinOutput = { bin: 0, voltage: 0, spike: false };
    const { excOffsets, inhOffsets } = pattern;
    const excIds = pattern.exc.ids;
    const inhIds = pattern.inh.ids;
    for (let t = 0; t < T + neuron.outputDelay; t++) {
      const exc = t < T ? excIds.subarray(excOffsets[t], excOffsets[t + 1]) : NO_SPIKES;
      const inh = t < T ? inhIds.subarray(inhOffsets[t], inhOffsets[t + 1]) : NO_SPIKES;
      if (neuron.step(exc, inh, out) && out.bin < T) somaVoltage[out.bin] = out.voltage;
    }
    const spikeTimes = Float64Array.from(trialSpikeTimes(neuron.spikeTimes(), T, this.labelConvention));
    return {
      seed,
      durationMs: T,
      nExc: pattern.nExc,
      nInh: pattern.nInh,
      exc: pattern.exc,
      inh: pattern.inh,
      somaVoltage,
      spikeTimes,
      spikeLabels: spikeLabels(spikeTimes, T, this.labelConvention),
      generator: paramsRecord(this.inputs, pattern.params),
    };
  }
}

/**
 * The output spikes that belong to a finite trial of T bins: times in [0, T); under the I&F
 * 'spike-bin' convention a spike in the last bin is not recorded (spec §7: its reset would fall
 * outside the trial).
 */
export function trialSpikeTimes(
  times: readonly number[],
  durationMs: number,
  convention: LabelConvention,
): number[] {
  const end = convention === 'spike-bin' ? durationMs - 1 : durationMs;
  return times.filter((t) => t >= 0 && t < end);
}

export function simulateTrial(
  cell: string,
  seed: number,
  durationMs: number,
  options: TrialRunnerOptions = {},
): Trial {
  return new TrialRunner(cell, durationMs, options).run(seed);
}
