/**
 * A compartmental cell behind the 1-ms Neuron interface (src/core/neuron.ts).
 *
 * Bin k = [k, k+1) ms. step() for bin k: the soma voltage sample of bin k is taken at t = k (before the
 * inputs of bin k act, spec §6.3); the events of bin k are delivered at the start of the first substep;
 * 1/dt substeps follow, with the soma sampled at 8 samples/ms for spike detection (§9.2). The spike
 * label of bin k collects peaks in [k+0.5, k+1.5) ms, decided only after bin k+1 has been stepped, so
 * step() for bin k returns the outputs of bin k−1 (outputDelay = 1).
 */
import type { BinOutput, Neuron, NeuronSnapshot } from '../../core/neuron.js';
import { NeuronInputError } from '../../core/neuron.js';
import type { CellModel } from '../cable/cell-model.js';
import { CompartmentEngine, type EngineOptions, type EngineState } from '../cable/engine.js';
import { SAMPLES_PER_MS, SpikeDetector, type SpikeDetectorState } from './spike-detector.js';

interface CompartmentalSnapshot {
  readonly cell: string;
  engine: EngineState;
  detector: SpikeDetectorState;
  binsStepped: number;
  lastVoltage: number;
}

export class CompartmentalNeuron implements Neuron {
  readonly cell: string;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay = 1;
  readonly engine: CompartmentEngine;
  readonly substepsPerMs: number;
  private readonly detector = new SpikeDetector();
  /** for sample j = 1..8 of a bin: the substep after which it is due and its interpolation weight */
  private readonly sampleStep: Int32Array;
  private readonly sampleWeight: Float64Array;
  /** call counter marking which synapses already received an event in the current call */
  private readonly excMark: Float64Array;
  private readonly inhMark: Float64Array;
  private callId = 0;
  private _binsStepped = 0;
  private lastVoltage = NaN;

  constructor(model: CellModel, options: EngineOptions = {}) {
    this.engine = new CompartmentEngine(model, options);
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
    this.excMark = new Float64Array(this.nExc).fill(-1);
    this.inhMark = new Float64Array(this.nInh).fill(-1);
  }

  get binsStepped(): number {
    return this._binsStepped;
  }

  step(exc: ArrayLike<number>, inh: ArrayLike<number>, out: BinOutput): boolean {
    const id = ++this.callId;
    this.checkIds(exc, this.nExc, 'excitatory');
    this.checkIds(inh, this.nInh, 'inhibitory');
    const eng = this.engine;
    const v = eng.v;
    const bin = this._binsStepped;
    const voltage = v[0];
    if (bin === 0) this.detector.push(voltage);
    for (let q = 0; q < exc.length; q++) {
      const k = exc[q];
      if (this.excMark[k] === id) continue;
      this.excMark[k] = id;
      eng.deliverExc(k);
    }
    for (let q = 0; q < inh.length; q++) {
      const k = inh[q];
      if (this.inhMark[k] === id) continue;
      this.inhMark[k] = id;
      eng.deliverInh(k);
    }
    let sample = 0;
    let before = voltage;
    for (let s = 1; s <= this.substepsPerMs; s++) {
      eng.step();
      const now = v[0];
      while (sample < SAMPLES_PER_MS && this.sampleStep[sample] === s) {
        const w = this.sampleWeight[sample];
        this.detector.push(before + w * (now - before));
        sample++;
      }
      before = now;
    }
    this._binsStepped = bin + 1;
    const previous = this.lastVoltage;
    this.lastVoltage = voltage;
    if (bin === 0) return false;
    out.bin = bin - 1;
    out.voltage = previous;
    out.spike = this.detector.takeLabel(bin - 1);
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

  spikeTimes(): readonly number[] {
    return this.detector.spikeTimes();
  }

  reset(): void {
    this.engine.reset();
    this.detector.reset();
    this._binsStepped = 0;
    this.lastVoltage = NaN;
  }

  snapshot(): NeuronSnapshot {
    const s: CompartmentalSnapshot = {
      cell: this.cell,
      engine: this.engine.snapshot(),
      detector: this.detector.snapshot(),
      binsStepped: this._binsStepped,
      lastVoltage: this.lastVoltage,
    };
    return s as unknown as NeuronSnapshot;
  }

  restore(snapshot: NeuronSnapshot): void {
    const s = snapshot as unknown as CompartmentalSnapshot;
    if (s.cell !== this.cell || typeof s.binsStepped !== 'number' || !s.engine || !s.detector) {
      throw new RangeError(`snapshot of '${String(s.cell)}' cannot be restored into '${this.cell}'`);
    }
    this.engine.restore(s.engine);
    this.detector.restore(s.detector);
    this._binsStepped = s.binsStepped;
    this.lastVoltage = s.lastVoltage;
  }
}
