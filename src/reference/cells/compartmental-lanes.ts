/**
 * Several trials of one compartmental cell stepped in lockstep, bin by bin (one engine with `lanes`
 * lanes, cable/engine.ts). The 1-ms bin rules are those of the Neuron interface (./compartmental-neuron.ts
 * is this class with one lane): bin k = [k, k+1) ms; the soma sample of bin k is taken at t = k, before
 * the inputs of bin k act (spec §6.3); the events of bin k are delivered at the start of its first
 * substep (repeated ids within a bin count once); the bin's substeps follow (1/dt of them, or
 * spike-adaptive ones with `spikeDt`: ./bin-stepper.ts), with the soma sampled at 8 samples/ms for
 * spike detection (§9.2). The spike label of bin k is decided after bin k+1, so a step for bin k
 * returns the outputs of bin k−1 (outputDelay = 1).
 */
import type { BinOutput } from '../../core/neuron.js';
import { NeuronInputError } from '../../core/neuron.js';
import type { CellModel } from '../cable/cell-model.js';
import type { CompartmentEngine, EngineState } from '../cable/engine.js';
import { createBinStepper, type BinStepper, type BinStepperOptions } from './bin-stepper.js';
import { SAMPLES_PER_MS, SpikeDetector, type SpikeDetectorState } from './spike-detector.js';

export interface CompartmentalLanesState {
  engine: EngineState;
  detectors: SpikeDetectorState[];
  binsStepped: number;
  lastVoltage: Float64Array;
  /** spike-adaptive bins: per lane, the bin before which the fine dt holds */
  schedule?: Float64Array;
}

export class CompartmentalLanes {
  readonly cell: string;
  readonly lanes: number;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay = 1;
  readonly engine: CompartmentEngine;
  /** substeps per ms of a bin at dt (spike-adaptive bins take more around spikes) */
  readonly substepsPerMs: number;
  private readonly stepper: BinStepper;
  private readonly detectors: SpikeDetector[];
  /** the soma samples of the last bin: lane l's sample j (t = bin start + j/8 ms) at l·8 + j − 1 */
  readonly binSamples: Float64Array;
  /** call counter marking which synapses (of which lane) already received an event in this call */
  private readonly excMark: Float64Array;
  private readonly inhMark: Float64Array;
  private readonly binStart: Float64Array;
  private lastVoltage: Float64Array;
  private callId = 0;
  private _binsStepped = 0;

  constructor(model: CellModel, options: BinStepperOptions = {}) {
    this.stepper = createBinStepper(model, options);
    this.engine = this.stepper.engine;
    const L = this.engine.lanes;
    this.lanes = L;
    this.cell = model.name;
    this.nExc = model.synapses.excNodes.length;
    this.nInh = model.synapses.inhNodes.length;
    this.substepsPerMs = this.stepper.substepsPerMs;
    this.binSamples = new Float64Array(L * SAMPLES_PER_MS);
    this.detectors = Array.from({ length: L }, () => new SpikeDetector());
    this.excMark = new Float64Array(this.nExc * L).fill(-1);
    this.inhMark = new Float64Array(this.nInh * L).fill(-1);
    this.binStart = new Float64Array(L);
    this.lastVoltage = new Float64Array(L).fill(NaN);
  }

  get binsStepped(): number {
    return this._binsStepped;
  }

  /** Engine substeps (all lanes together) since reset: the cost of the bins stepped. */
  get substepsTaken(): number {
    return this.stepper.substepsTaken;
  }

  /**
   * One bin of every lane: exc[l] and inh[l] are the synapse ids active in lane l's bin; out[l]
   * receives lane l's outputs of the previous bin. Returns false for the first bin (nothing to output).
   */
  step(exc: readonly ArrayLike<number>[], inh: readonly ArrayLike<number>[], out: BinOutput[]): boolean {
    const L = this.lanes;
    if (exc.length !== L || inh.length !== L || out.length !== L) {
      throw new NeuronInputError(`${this.cell}: expected inputs and outputs for ${L} lanes`);
    }
    const id = ++this.callId;
    for (let l = 0; l < L; l++) {
      this.checkIds(exc[l], this.nExc, 'excitatory');
      this.checkIds(inh[l], this.nInh, 'inhibitory');
    }
    const stepper = this.stepper;
    const v = this.engine.v;
    const bin = this._binsStepped;
    const { binStart, detectors, binSamples } = this;
    stepper.beginBin();
    for (let l = 0; l < L; l++) {
      // the soma is node 0: lane l's soma voltage is v[l]
      binStart[l] = v[l];
      if (bin === 0) detectors[l].push(v[l]);
      const e = exc[l];
      for (let q = 0; q < e.length; q++) {
        const k = e[q];
        if (this.excMark[k * L + l] === id) continue;
        this.excMark[k * L + l] = id;
        stepper.deliverExc(k, l);
      }
      const h = inh[l];
      for (let q = 0; q < h.length; q++) {
        const k = h[q];
        if (this.inhMark[k * L + l] === id) continue;
        this.inhMark[k * L + l] = id;
        stepper.deliverInh(k, l);
      }
    }
    stepper.stepBin(binSamples);
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < SAMPLES_PER_MS; j++) detectors[l].push(binSamples[l * SAMPLES_PER_MS + j]);
    }
    this._binsStepped = bin + 1;
    if (bin === 0) {
      this.lastVoltage.set(binStart);
      return false;
    }
    for (let l = 0; l < L; l++) {
      const o = out[l];
      o.bin = bin - 1;
      o.voltage = this.lastVoltage[l];
      o.spike = detectors[l].takeLabel(bin - 1);
    }
    this.lastVoltage.set(binStart);
    return true;
  }

  private checkIds(ids: ArrayLike<number>, n: number, what: string): void {
    for (let q = 0; q < ids.length; q++) {
      const k = ids[q];
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new NeuronInputError(`${this.cell}: ${what} synapse id ${k} is not an integer in [0, ${n})`);
      }
    }
  }

  /** Output spike times (ms) of a lane since reset, in order. */
  spikeTimes(lane = 0): readonly number[] {
    return this.detectors[lane].spikeTimes();
  }

  reset(): void {
    this.stepper.reset();
    for (const d of this.detectors) d.reset();
    this._binsStepped = 0;
    this.lastVoltage.fill(NaN);
  }

  snapshot(): CompartmentalLanesState {
    return {
      engine: this.engine.snapshot(),
      detectors: this.detectors.map((d) => d.snapshot()),
      binsStepped: this._binsStepped,
      lastVoltage: this.lastVoltage.slice(),
      schedule: this.stepper.snapshotSchedule(),
    };
  }

  restore(s: CompartmentalLanesState): void {
    if (
      typeof s.binsStepped !== 'number' ||
      !s.engine ||
      !Array.isArray(s.detectors) ||
      s.detectors.length !== this.lanes ||
      !(s.lastVoltage instanceof Float64Array) ||
      s.lastVoltage.length !== this.lanes
    ) {
      throw new RangeError(`snapshot does not fit ${this.lanes} lane(s) of '${this.cell}'`);
    }
    this.engine.restore(s.engine);
    this.stepper.restoreSchedule(s.binsStepped, s.schedule && s.schedule.length > 0 ? s.schedule : undefined);
    this.detectors.forEach((d, l) => d.restore(s.detectors[l]));
    this._binsStepped = s.binsStepped;
    this.lastVoltage = s.lastVoltage.slice();
  }
}
