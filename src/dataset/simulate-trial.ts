import { paramsRecord, PatternGenerator, type PatternGeneratorConfig } from '../inputs/paper-pattern.js';
import { inputFamily } from '../inputs/families.js';
import { CompartmentalNeuron } from '../reference/cells/compartmental-neuron.js';
import { spikeLabels, type LabelConvention } from '../core/conventions.js';
import type { CompartmentalLanes } from '../reference/cells/compartmental-lanes.js';
import {
  cellInfo,
  createLanes,
  createNeuron,
  hasLanes,
  type CellOptions,
} from '../reference/cells/registry.js';
import type { BinOutput, Neuron } from '../core/neuron.js';
import type { InputRecord } from '../core/input-record.js';
import { binOffsets, type SpikeTrain } from '../core/spikes.js';
import type { Trial } from './trial.js';

export interface TrialRunnerOptions {
  /** input statistics; default: the cell's paper preset (for its morphology) */
  inputs?: PatternGeneratorConfig;
  neuronOptions?: CellOptions;
  /** also record the voltage of every dendritic compartment at 1 ms (compartmental cells only) */
  recordDendrites?: boolean;
  /** an input family other than the paper's statistics (src/inputs/families.ts) */
  family?: string;
  /** told the simulated ms so far every PROGRESS_EVERY_MS bins and at the end of a trial */
  onProgress?: (doneMs: number, totalMs: number) => void;
}

const PROGRESS_EVERY_MS = 100;

/** Input spikes given from outside (a file) instead of drawn by the generator. */
export interface GivenInputs {
  /** sorted by time */
  exc: SpikeTrain;
  inh: SpikeTrain;
  /** recorded as the trial's seed (0 when the inputs have none) */
  seed: number;
  /** recorded as the trial's generator record */
  generator: InputRecord;
}

const NO_SPIKES = new Int32Array(0);

/**
 * Simulates trials of one cell and length: draws the input pattern from the trial seed (or takes
 * given inputs), steps the reference neuron bin by bin (plus `outputDelay` empty bins so that every
 * bin's outputs arrive), and records the soma voltage, the spike times, the labels and optionally
 * the dendritic voltages. Reuses its neuron and generator buffers, so one runner per worker.
 * runLockstep() simulates several trials of a compartmental cell at once, one lane each
 * (cells/compartmental-lanes.ts), the same trials to the bit.
 */
export class TrialRunner {
  readonly cell: string;
  readonly durationMs: number;
  readonly inputs: PatternGeneratorConfig;
  readonly labelConvention: LabelConvention;
  /** synapse counts of the neuron actually built (they depend on the morphology) */
  readonly nExc: number;
  readonly nInh: number;
  /** dendritic compartments recorded per bin (0 unless recordDendrites) */
  readonly nDendrites: number;
  private readonly neuron: Neuron;
  private readonly generator: PatternGenerator;
  private readonly onProgress: ((doneMs: number, totalMs: number) => void) | undefined;
  /** membrane voltage per node of a compartmental neuron, and the dendritic nodes in synapse order */
  private readonly nodeVoltage: Float64Array | null = null;
  private readonly dendriteNodes: Int32Array | null = null;
  private readonly neuronOptions: CellOptions | undefined;
  /** the cell of runLockstep(), built on first use for its lane count */
  private lanes: CompartmentalLanes | null = null;

  constructor(cell: string, durationMs: number, options: TrialRunnerOptions = {}) {
    const info = cellInfo(cell);
    this.cell = cell;
    this.durationMs = durationMs;
    this.labelConvention = info.labelConvention;
    this.neuron = createNeuron(cell, options.neuronOptions);
    this.neuronOptions = options.neuronOptions;
    this.nExc = this.neuron.nExc;
    this.nInh = this.neuron.nInh;
    this.inputs = inputFamily(
      options.inputs ?? info.defaultInputs(options.neuronOptions),
      options.family ?? 'paper',
    );
    if (this.inputs.nExc !== this.nExc || this.inputs.nInh !== this.nInh) {
      throw new RangeError(
        `input generator '${this.inputs.preset}' has ${this.inputs.nExc}/${this.inputs.nInh} synapses, cell '${cell}' has ${this.nExc}/${this.nInh}`,
      );
    }
    this.generator = new PatternGenerator(this.inputs, durationMs);
    if (options.recordDendrites) {
      if (!(this.neuron instanceof CompartmentalNeuron)) {
        throw new RangeError(`cell '${cell}' has no dendritic compartments to record`);
      }
      this.nodeVoltage = this.neuron.engine.v;
      this.dendriteNodes = this.neuron.engine.model.synapses.excNodes;
    }
    this.nDendrites = this.dendriteNodes?.length ?? 0;
    this.onProgress = options.onProgress;
  }

  /** A trial on the input pattern drawn from `seed`. */
  run(seed: number): Trial {
    const pattern = this.generator.generate(seed);
    return this.simulate(
      seed,
      pattern.exc,
      pattern.excOffsets,
      pattern.inh,
      pattern.inhOffsets,
      paramsRecord(this.inputs, pattern.params),
    );
  }

  /** Whether runLockstep() can step several trials together (a compartmental cell). */
  get canLockstep(): boolean {
    return hasLanes(this.cell);
  }

  /**
   * The trials of `seeds`, stepped together in lockstep, one lane each: the same trials to the bit as
   * run() of each seed, at a lower cost per trial (two lanes run as one vector in the kernels).
   */
  runLockstep(seeds: readonly number[]): Trial[] {
    const L = seeds.length;
    if (L === 1) return [this.run(seeds[0])];
    if (this.lanes?.lanes !== L) this.lanes = createLanes(this.cell, L, this.neuronOptions);
    const cells = this.lanes;
    cells.reset();
    const patterns = seeds.map((seed) => this.generator.generate(seed));
    const T = this.durationMs;
    const D = this.nDendrites;
    const soma = patterns.map(() => new Float32Array(T));
    const dendritic = D > 0 ? patterns.map(() => new Float32Array(T * D)) : null;
    const nodes = this.dendriteNodes;
    const v = cells.engine.v;
    const outs: BinOutput[] = patterns.map(() => ({ bin: 0, voltage: 0, spike: false }));
    const exc: Int32Array[] = patterns.map(() => NO_SPIKES);
    const inh: Int32Array[] = patterns.map(() => NO_SPIKES);
    for (let t = 0; t < T + cells.outputDelay; t++) {
      for (let l = 0; l < L; l++) {
        // as in simulate(): dendrites sampled at t = k, before the inputs of bin k act
        const d = dendritic?.[l];
        if (d && nodes && t < T) for (let j = 0; j < D; j++) d[t * D + j] = v[nodes[j] * L + l];
        const p = patterns[l];
        exc[l] = t < T ? p.exc.ids.subarray(p.excOffsets[t], p.excOffsets[t + 1]) : NO_SPIKES;
        inh[l] = t < T ? p.inh.ids.subarray(p.inhOffsets[t], p.inhOffsets[t + 1]) : NO_SPIKES;
      }
      if (cells.step(exc, inh, outs)) {
        for (let l = 0; l < L; l++) if (outs[l].bin < T) soma[l][outs[l].bin] = outs[l].voltage;
      }
    }
    return patterns.map((p, l) =>
      this.record(
        seeds[l],
        p.exc,
        p.inh,
        soma[l],
        cells.spikeTimes(l),
        paramsRecord(this.inputs, p.params),
        dendritic?.[l],
      ),
    );
  }

  /** A trial on given input spikes (time-sorted, ids within the cell's synapse counts). */
  runGiven(given: GivenInputs): Trial {
    checkIds(given.exc.ids, this.nExc, 'excitatory', this.cell);
    checkIds(given.inh.ids, this.nInh, 'inhibitory', this.cell);
    const excOffsets = binOffsets(given.exc, this.durationMs);
    const inhOffsets = binOffsets(given.inh, this.durationMs);
    return this.simulate(given.seed, given.exc, excOffsets, given.inh, inhOffsets, given.generator);
  }

  private simulate(
    seed: number,
    excSpikes: SpikeTrain,
    excOffsets: Int32Array,
    inhSpikes: SpikeTrain,
    inhOffsets: Int32Array,
    generator: InputRecord,
  ): Trial {
    const T = this.durationMs;
    const neuron = this.neuron;
    neuron.reset();
    const somaVoltage = new Float32Array(T);
    const D = this.nDendrites;
    const dendritic = D > 0 ? new Float32Array(T * D) : undefined;
    const nodes = this.dendriteNodes;
    const v = this.nodeVoltage;
    const out: BinOutput = { bin: 0, voltage: 0, spike: false };
    const excIds = excSpikes.ids;
    const inhIds = inhSpikes.ids;
    const progress = this.onProgress;
    for (let t = 0; t < T + neuron.outputDelay; t++) {
      if (progress && t % PROGRESS_EVERY_MS === 0 && t > 0 && t < T) progress(t, T);
      // dendrites are sampled like the soma: at t = k, before the inputs of bin k act (spec §6.3)
      if (dendritic && nodes && v && t < T) {
        const row = t * D;
        for (let j = 0; j < D; j++) dendritic[row + j] = v[nodes[j]];
      }
      const exc = t < T ? excIds.subarray(excOffsets[t], excOffsets[t + 1]) : NO_SPIKES;
      const inh = t < T ? inhIds.subarray(inhOffsets[t], inhOffsets[t + 1]) : NO_SPIKES;
      if (neuron.step(exc, inh, out) && out.bin < T) somaVoltage[out.bin] = out.voltage;
    }
    progress?.(T, T);
    return this.record(seed, excSpikes, inhSpikes, somaVoltage, neuron.spikeTimes(), generator, dendritic);
  }

  /** The trial of a finished simulation: its output spikes within the trial and their labels. */
  private record(
    seed: number,
    exc: SpikeTrain,
    inh: SpikeTrain,
    somaVoltage: Float32Array,
    neuronSpikeTimes: readonly number[],
    generator: InputRecord,
    dendritic: Float32Array | undefined,
  ): Trial {
    const T = this.durationMs;
    const spikeTimes = Float64Array.from(trialSpikeTimes(neuronSpikeTimes, T, this.labelConvention));
    const trial: Trial = {
      seed,
      durationMs: T,
      nExc: this.nExc,
      nInh: this.nInh,
      exc,
      inh,
      somaVoltage,
      spikeTimes,
      spikeLabels: spikeLabels(spikeTimes, T, this.labelConvention),
      generator,
    };
    if (dendritic) trial.dendriticVoltage = dendritic;
    return trial;
  }
}

function checkIds(ids: Int32Array, n: number, what: string, cell: string): void {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= n) {
      throw new RangeError(
        `${what} input spike ${i}: synapse id ${ids[i]} is outside [0, ${n}) for cell '${cell}' on this morphology`,
      );
    }
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
