/**
 * How a compartmental cell's engine covers one 1-ms bin: a fixed number of substeps, or
 * spike-adaptive substeps. Both sample the soma at 8 samples/ms (spec §9.2), each sample linearly
 * interpolated between the substeps around it.
 *
 * Spike-adaptive: each bin is first integrated at the coarse dt. A lane whose soma rises above
 * SPIKE_TRIGGER_MV anywhere in the bin has the bin redone from its start at the fine spikeDt (the
 * same events replayed), and stays at the fine dt for SPIKE_HOLD_BINS more bins after its last fine
 * bin above the trigger, which covers the spike's repolarisation and the start of the AHP. The
 * cable's error at a coarse second-order step sits mostly in the fast voltage changes of spikes, so
 * the coarse dt carries the long subthreshold stretches and the fine dt the few ms around spikes.
 * Every decision is per lane, so a lane's trial is the same to the bit as the trial run alone.
 * The caller's electrode currents (engine.injection) act in redone bins too; voltage clamps
 * (engine.setClamp, for validation protocols) are for fixed steps only.
 */
import type { CellModel } from '../cable/cell-model.js';
import { CompartmentEngine, type EngineOptions } from '../cable/engine.js';
import { checkDt } from '../integration.js';
import { SAMPLES_PER_MS } from './spike-detector.js';

/**
 * Soma level (mV) above which a bin is redone at the fine dt. Chosen on `npm run validate`: the
 * L5PC's spikes take off from about −55 mV, and triggering a little below keeps the take-off itself
 * at the fine dt.
 */
export const SPIKE_TRIGGER_MV = -57;
/** Bins kept at the fine dt after the last fine bin above the trigger. */
export const SPIKE_HOLD_BINS = 3;

type StateArray = Float64Array | Uint8Array;

export interface BinStepperOptions extends EngineOptions {
  /** fine substep (ms) of bins around spikes; unset: every bin at `dt` */
  spikeDt?: number;
}

export interface BinStepper {
  /** the engine whose state is that at the end of the last bin (the coarse one when adaptive) */
  readonly engine: CompartmentEngine;
  readonly lanes: number;
  /** substeps per ms of a bin at the coarse dt */
  readonly substepsPerMs: number;
  /**
   * engine substeps taken since reset, coarse, fine and redone ones alike: a substep of the coarse
   * engine (all lanes together) or of one lane's fine engine counts one
   */
  readonly substepsTaken: number;
  /** call before the bin's events are delivered */
  beginBin(): void;
  deliverExc(k: number, lane: number): void;
  deliverInh(k: number, lane: number): void;
  /** integrates the bin; samples[l·8 + j − 1] receives lane l's soma at bin start + j/8 ms */
  stepBin(samples: Float64Array): void;
  reset(): void;
  /** what decides the coming bins besides the engine state (empty for fixed steps) */
  snapshotSchedule(): Float64Array;
  /** after the engine state of the end of bin `binsStepped − 1` was restored */
  restoreSchedule(binsStepped: number, schedule: Float64Array | undefined): void;
}

/** Substeps per ms of dt, or a RangeError if dt does not divide 1 ms. */
function substepsOf(dt: number, what = 'dt'): number {
  return Math.round(1 / checkDt(dt, what));
}

/**
 * The 8 soma samples of a bin from `perMs` substeps: sample j is due after substep sampleStep[j − 1],
 * interpolated with weight sampleWeight[j − 1] on that substep's value against the one before.
 */
class SomaSampler {
  readonly sampleStep = new Int32Array(SAMPLES_PER_MS);
  readonly sampleWeight = new Float64Array(SAMPLES_PER_MS);

  constructor(perMs: number) {
    for (let j = 1; j <= SAMPLES_PER_MS; j++) {
      const pos = (j * perMs) / SAMPLES_PER_MS; // in substeps from the bin start
      const after = Math.ceil(pos - 1e-9);
      this.sampleStep[j - 1] = after;
      this.sampleWeight[j - 1] = 1 - (after - pos);
    }
  }

  /**
   * Runs `perMs` substeps of eng, sampling every lane's soma (node 0: v[l]) into samples; vMax[l]
   * receives lane l's highest soma voltage at a substep end.
   */
  run(
    eng: CompartmentEngine,
    perMs: number,
    samples: Float64Array,
    before: Float64Array,
    vMax: Float64Array,
  ): void {
    const L = eng.lanes;
    const v = eng.v;
    for (let l = 0; l < L; l++) {
      before[l] = v[l];
      vMax[l] = -Infinity;
    }
    let sample = 0;
    for (let s = 1; s <= perMs; s++) {
      eng.step();
      while (sample < SAMPLES_PER_MS && this.sampleStep[sample] === s) {
        const w = this.sampleWeight[sample];
        for (let l = 0; l < L; l++) samples[l * SAMPLES_PER_MS + sample] = before[l] + w * (v[l] - before[l]);
        sample++;
      }
      for (let l = 0; l < L; l++) {
        const x = v[l];
        before[l] = x;
        if (x > vMax[l]) vMax[l] = x;
      }
    }
  }
}

/** Every bin at the engine's dt. */
export class FixedStepBins implements BinStepper {
  readonly engine: CompartmentEngine;
  readonly lanes: number;
  readonly substepsPerMs: number;
  private readonly sampler: SomaSampler;
  private readonly before: Float64Array;
  private readonly vMax: Float64Array;
  private _substeps = 0;

  constructor(model: CellModel, options: EngineOptions) {
    this.engine = new CompartmentEngine(model, options);
    this.lanes = this.engine.lanes;
    this.substepsPerMs = substepsOf(this.engine.dt);
    this.sampler = new SomaSampler(this.substepsPerMs);
    this.before = new Float64Array(this.lanes);
    this.vMax = new Float64Array(this.lanes);
  }

  get substepsTaken(): number {
    return this._substeps;
  }

  beginBin(): void {}

  deliverExc(k: number, lane: number): void {
    this.engine.deliverExc(k, lane);
  }

  deliverInh(k: number, lane: number): void {
    this.engine.deliverInh(k, lane);
  }

  stepBin(samples: Float64Array): void {
    this.sampler.run(this.engine, this.substepsPerMs, samples, this.before, this.vMax);
    this._substeps += this.substepsPerMs;
  }

  reset(): void {
    this.engine.reset();
    this._substeps = 0;
  }

  snapshotSchedule(): Float64Array {
    return new Float64Array(0);
  }

  restoreSchedule(): void {}
}

/** Coarse bins, redone at the fine dt around spikes (see the top of this file). */
export class SpikeAdaptiveBins implements BinStepper {
  readonly engine: CompartmentEngine;
  readonly lanes: number;
  readonly substepsPerMs: number;
  /**
   * one one-lane engine per lane at the fine dt: a redone bin steps only the lanes that need it
   * (each lane's arithmetic is that of a one-lane engine either way, so the results are the same)
   */
  private readonly fines: CompartmentEngine[];
  private readonly finePerMs: number;
  private readonly coarseSampler: SomaSampler;
  private readonly fineSampler: SomaSampler;
  private readonly coarseState: StateArray[];
  private readonly fineStates: StateArray[][];
  /** the coarse engine's state at the start of the bin */
  private readonly saved: StateArray[];
  /** the bin's deliveries, to replay on the fine engine: lane·2 + (1 if inhibitory), synapse id */
  private readonly logWhat: Int32Array;
  private readonly logId: Int32Array;
  private logLength = 0;
  /** per lane: bins before this index are taken at the fine dt without a coarse try */
  private readonly fineUntil: Float64Array;
  private readonly needFine: Uint8Array;
  private readonly fineSamples = new Float64Array(SAMPLES_PER_MS);
  private readonly fineVMax = new Float64Array(1);
  private readonly before: Float64Array;
  private readonly vMax: Float64Array;
  private bin = 0;
  private _substeps = 0;

  constructor(model: CellModel, options: EngineOptions & { spikeDt: number }) {
    const { spikeDt, ...engineOptions } = options;
    this.engine = new CompartmentEngine(model, engineOptions);
    this.substepsPerMs = substepsOf(this.engine.dt);
    this.finePerMs = substepsOf(spikeDt, 'spikeDt');
    if (!(this.finePerMs > this.substepsPerMs)) {
      throw new RangeError(`spikeDt (${spikeDt} ms) must be smaller than dt (${this.engine.dt} ms)`);
    }
    const L = this.engine.lanes;
    this.fines = Array.from(
      { length: L },
      () => new CompartmentEngine(model, { ...engineOptions, dt: spikeDt, lanes: 1 }),
    );
    this.lanes = L;
    this.coarseSampler = new SomaSampler(this.substepsPerMs);
    this.fineSampler = new SomaSampler(this.finePerMs);
    this.coarseState = this.engine.stateArrays();
    this.fineStates = this.fines.map((f) => f.stateArrays());
    this.saved = this.coarseState.map((a) => a.slice());
    // after deduplication a bin delivers each synapse of a lane at most once
    const capacity = (model.synapses.excNodes.length + model.synapses.inhNodes.length) * L;
    this.logWhat = new Int32Array(capacity);
    this.logId = new Int32Array(capacity);
    this.fineUntil = new Float64Array(L);
    this.needFine = new Uint8Array(L);
    this.before = new Float64Array(L);
    this.vMax = new Float64Array(L);
  }

  get substepsTaken(): number {
    return this._substeps;
  }

  beginBin(): void {
    const { saved, coarseState } = this;
    for (let a = 0; a < saved.length; a++) saved[a].set(coarseState[a]);
    this.logLength = 0;
  }

  deliverExc(k: number, lane: number): void {
    this.log(2 * lane, k);
    this.engine.deliverExc(k, lane);
  }

  deliverInh(k: number, lane: number): void {
    this.log(2 * lane + 1, k);
    this.engine.deliverInh(k, lane);
  }

  private log(what: number, id: number): void {
    if (this.logLength === this.logWhat.length)
      throw new RangeError('more deliveries in one bin than synapses: deliver each synapse once per bin');
    this.logWhat[this.logLength] = what;
    this.logId[this.logLength] = id;
    this.logLength++;
  }

  stepBin(samples: Float64Array): void {
    const { lanes: L, needFine, fineUntil, vMax, bin } = this;
    let held = 0;
    for (let l = 0; l < L; l++) if (fineUntil[l] > bin) held++;
    if (held < L) {
      this.coarseSampler.run(this.engine, this.substepsPerMs, samples, this.before, vMax);
      this._substeps += this.substepsPerMs;
    }
    let anyFine = false;
    for (let l = 0; l < L; l++) {
      needFine[l] = fineUntil[l] > bin || vMax[l] > SPIKE_TRIGGER_MV ? 1 : 0;
      if (needFine[l]) anyFine = true;
    }
    if (anyFine) this.redoFine(samples);
    this.bin = bin + 1;
    this.engine.resumeAt(this.bin * this.substepsPerMs);
  }

  /**
   * The bin again from its start at the fine dt, for each lane that needs it on its own one-lane
   * engine; the results replace that lane's coarse ones.
   */
  private redoFine(samples: Float64Array): void {
    const { lanes: L, saved, coarseState, needFine, fineSamples, vMax, bin } = this;
    const injection = this.engine.injection;
    for (let l = 0; l < L; l++) {
      if (!needFine[l]) continue;
      const fine = this.fines[l];
      const state = this.fineStates[l];
      for (let a = 0; a < saved.length; a++) laneOut(state[a], saved[a], l, L);
      // the caller's electrode currents, held over the bin, act in the redone bin too
      laneOut(fine.injection, injection, l, L);
      fine.resumeAt(bin * this.finePerMs);
      for (let q = 0; q < this.logLength; q++) {
        const what = this.logWhat[q];
        if (what >> 1 !== l) continue;
        if (what & 1) fine.deliverInh(this.logId[q], 0);
        else fine.deliverExc(this.logId[q], 0);
      }
      this.fineSampler.run(fine, this.finePerMs, fineSamples, this.before, this.fineVMax);
      this._substeps += this.finePerMs;
      vMax[l] = this.fineVMax[0];
      for (let a = 0; a < state.length; a++) laneIn(coarseState[a], state[a], l, L);
      samples.set(fineSamples, l * SAMPLES_PER_MS);
      if (vMax[l] > SPIKE_TRIGGER_MV) this.fineUntil[l] = bin + 1 + SPIKE_HOLD_BINS;
    }
  }

  reset(): void {
    this.engine.reset();
    for (const fine of this.fines) fine.reset();
    this.fineUntil.fill(0);
    this.bin = 0;
    this.logLength = 0;
    this._substeps = 0;
  }

  snapshotSchedule(): Float64Array {
    return this.fineUntil.slice();
  }

  restoreSchedule(binsStepped: number, schedule: Float64Array | undefined): void {
    if (schedule !== undefined && schedule.length !== this.lanes)
      throw new RangeError(`schedule has ${schedule.length} lanes, expected ${this.lanes}`);
    this.bin = binsStepped;
    if (schedule) this.fineUntil.set(schedule);
    else this.fineUntil.fill(0);
  }
}

/** Lane l of a lane-minor array (entry k·lanes + l) into a one-lane array (entry k). */
function laneOut(one: StateArray, all: StateArray, lane: number, lanes: number): void {
  if (lanes === 1) one.set(all);
  else for (let k = 0, i = lane; k < one.length; k++, i += lanes) one[k] = all[i];
}

/** A one-lane array back into lane l of a lane-minor array. */
function laneIn(all: StateArray, one: StateArray, lane: number, lanes: number): void {
  if (lanes === 1) all.set(one);
  else for (let k = 0, i = lane; k < one.length; k++, i += lanes) all[i] = one[k];
}

/** The stepper of the options: spike-adaptive when spikeDt is set, fixed otherwise. */
export function createBinStepper(model: CellModel, options: BinStepperOptions = {}): BinStepper {
  const { spikeDt, ...engineOptions } = options;
  if (spikeDt === undefined) return new FixedStepBins(model, engineOptions);
  return new SpikeAdaptiveBins(model, { ...engineOptions, spikeDt });
}
