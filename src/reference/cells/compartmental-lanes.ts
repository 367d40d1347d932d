/**
 * Several trials of one compartmental cell stepped in lockstep, bin by bin (one engine with `lanes`
 * lanes, cable/engine.ts). The 1-ms bin rules are those of the Neuron interface (./compartmental-neuron.ts
 * is this class with one lane): bin k = [k, k+1) ms; the soma sample of bin k is taken at t = k, before
 * the inputs of bin k act (spec §6.3); the events of bin k are delivered at the start of its first
 * substep (repeated ids within a bin count once); 1/dt substeps follow, with the soma sampled at
 * 8 samples/ms for spike detection (§9.2). The spike label of bin k is decided after bin k+1, so a
 * step for bin k returns the outputs of bin k−1 (outputDelay = 1).
 */
import type { BinOutput } from '../../core/neuron.js';
import { NeuronInputError } from '../../core/neuron.js';
import type { CellModel } from '../cable/cell-model.js';
import { CompartmentEngine, type EngineOptions, type EngineState } from '../cable/engine.js';
import { SAMPLES_PER_MS, SpikeDetector, type SpikeDetectorState } from './spike-detector.js';

export interface CompartmentalLanesState {
  engine: EngineState;
  detectors: SpikeDetectorState[];
  binsStepped: number;
  lastVoltage: Float64Array;
}

export class CompartmentalLanes {
  readonly cell: string;
  readonly lanes: number;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay = 1;
  readonly engine: CompartmentEngine;
  readonly substepsPerMs: number;
  private readonly detectors: SpikeDetector[];
  /** for sample j = 1..8 of a bin: the substep after which it is due and its interpolation weight */
  private readonly sampleStep: Int32Array;
  private readonly sampleWeight: Float64Array;
  /** call counter marking which synapses (of which lane) already received an event in this call */
  private readonly excMark: Float64Array;
  private readonly inhMark: Float64Array;
  private readonly before: Float64Array;
  private readonly binStart: Float64Array;
  private lastVoltage: Float64Array;
  private callId = 0;
  private _binsStepped = 0;

  constructor(model: CellModel, options: EngineOptions = {}) {
    this.engine = new CompartmentEngine(model, options);
    const L = this.engine.lanes;
    this.lanes = L;
    this.cell = model.name;
    this.nExc = model.synapses.excNodes.length;
    this.nInh = model.synapses.inhNodes.length;
    const perMs = Math.round(1 / this.engine.dt);
    if (Math.abs(perMs * this.engine.dt - 1) > 1e-9) {
      throw new RangeError(`dt must divide 1 ms into a whole number of substeps, got ${this.engine.dt}`);
    }
    this.substepsPerMs = perMs;
    this.sampleStep = new Int32Array(SAMPLES_PER_MS);
    this.sampleWeight = new Float64Array(SAMPLES_PER_MS);
    for (let j = 1; j <= SAMPLES_PER_MS; j++) {
      const pos = (j * perMs) / SAMPLES_PER_MS; // in substeps from the bin start
      const after = Math.ceil(pos - 1e-9);
      this.sampleStep[j - 1] = after;
      // weight of the later substep's value in the interpolation between substeps after−1 and after
      this.sampleWeight[j - 1] = 1 - (after - pos);
    }
    this.detectors = Array.from({ length: L }, () => new SpikeDetector());
    this.excMark = new Float64Array(this.nExc * L).fill(-1);
    this.inhMark = new Float64Array(this.nInh * L).fill(-1);
    this.before = new Float64Array(L);
    this.binStart = new Float64Array(L);
    this.lastVoltage = new Float64Array(L).fill(NaN);
  }

  get binsStepped(): number {
    return this._binsStepped;
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
    const eng = this.engine;
    const v = eng.v;
    const bin = this._binsStepped;
    const { before, binStart, detectors } = this;
    for (let l = 0; l < L; l++) {
      // the soma is node 0: lane l's soma voltage is v[l]
      binStart[l] = v[l];
      if (bin === 0) detectors[l].push(v[l]);
      const e = exc[l];
      for (let q = 0; q < e.length; q++) {
        const k = e[q];
        if (this.excMark[k * L + l] === id) continue;
        this.excMark[k * L + l] = id;
        eng.deliverExc(k, l);
      }
      const h = inh[l];
      for (let q = 0; q < h.length; q++) {
        const k = h[q];
        if (this.inhMark[k * L + l] === id) continue;
        this.inhMark[k * L + l] = id;
        eng.deliverInh(k, l);
      }
    }
    before.set(binStart);
    let sample = 0;
    for (let s = 1; s <= this.substepsPerMs; s++) {
      eng.step();
      while (sample < SAMPLES_PER_MS && this.sampleStep[sample] === s) {
        const w = this.sampleWeight[sample];
        for (let l = 0; l < L; l++) detectors[l].push(before[l] + w * (v[l] - before[l]));
        sample++;
      }
      for (let l = 0; l < L; l++) before[l] = v[l];
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
    this.engine.reset();
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
    this.detectors.forEach((d, l) => d.restore(s.detectors[l]));
    this._binsStepped = s.binsStepped;
    this.lastVoltage = s.lastVoltage.slice();
  }
}
