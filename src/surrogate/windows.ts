import * as tf from '@tensorflow/tfjs';
import type { Trial } from '../dataset/trial.js';
import { FIRST_SCORED_BIN, type LabelConvention, clippedSoma } from '../core/conventions.js';
import type { VoltageTarget } from './architectures/spec.js';
import type { SynapticBatch } from './layers/layer-kind.js';
import type { Rng } from '../core/rng.js';

/** A trial reduced to what training reads: merged input events and per-bin targets. */
export interface PreparedTrial {
  durationMs: number;
  /** event bins, non-decreasing */
  times: Int32Array;
  /** input channel of each event: excitatory id, or nExc + inhibitory id */
  channels: Int32Array;
  labels: Uint8Array;
  /** (clipped soma - offset) / scale per bin */
  voltage: Float32Array;
}

export function nInputsOf(trials: readonly Trial[]): { nExc: number; nInh: number } {
  if (trials.length === 0) throw new Error('dataset holds no trials');
  const { nExc, nInh } = trials[0];
  for (const t of trials) {
    if (t.nExc !== nExc || t.nInh !== nInh)
      throw new Error(`trials disagree on synapse counts (${nExc}/${nInh} vs ${t.nExc}/${t.nInh})`);
  }
  return { nExc, nInh };
}

/** Offset/scale of the voltage target: mean and std of the clipped soma over the scored bins. */
export function fitVoltageTarget(trials: readonly Trial[], convention: LabelConvention): VoltageTarget {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const t of trials) {
    for (let k = FIRST_SCORED_BIN; k < t.durationMs; k++) {
      const v = clippedSoma(t.somaVoltage[k], convention);
      n++;
      sum += v;
      sumSq += v * v;
    }
  }
  if (n === 0) throw new Error(`no bins at or after ${FIRST_SCORED_BIN} ms to fit the voltage target`);
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sumSq / n - mean * mean, 0));
  return { offset: mean, scale: std > 1e-6 ? std : 1 };
}

export function spikeRate(trials: readonly Trial[]): number {
  let spikes = 0;
  let bins = 0;
  for (const t of trials) {
    for (let k = 0; k < t.durationMs; k++) spikes += t.spikeLabels[k];
    bins += t.durationMs;
  }
  return bins > 0 ? spikes / bins : 0;
}

export function prepareTrials(
  trials: readonly Trial[],
  convention: LabelConvention,
  target: VoltageTarget,
): PreparedTrial[] {
  const { nExc, nInh } = nInputsOf(trials);
  return trials.map((t, i) => {
    if (t.somaVoltage.length !== t.durationMs || t.spikeLabels.length !== t.durationMs) {
      throw new Error(`trial ${i}: soma/label length differs from durationMs ${t.durationMs}`);
    }
    const { times, channels } = mergeEvents(t, nExc, nInh, i);
    const voltage = new Float32Array(t.durationMs);
    for (let k = 0; k < t.durationMs; k++)
      voltage[k] = (clippedSoma(t.somaVoltage[k], convention) - target.offset) / target.scale;
    return { durationMs: t.durationMs, times, channels, labels: t.spikeLabels, voltage };
  });
}

function mergeEvents(
  t: Trial,
  nExc: number,
  nInh: number,
  index: number,
): { times: Int32Array; channels: Int32Array } {
  const ne = t.exc.times.length;
  const ni = t.inh.times.length;
  const times = new Int32Array(ne + ni);
  const channels = new Int32Array(ne + ni);
  let a = 0;
  let b = 0;
  for (let o = 0; o < ne + ni; o++) {
    const takeExc = b >= ni || (a < ne && t.exc.times[a] <= t.inh.times[b]);
    const time = takeExc ? t.exc.times[a] : t.inh.times[b];
    const id = takeExc ? t.exc.ids[a] : t.inh.ids[b];
    const limit = takeExc ? nExc : nInh;
    if (id < 0 || id >= limit || !Number.isInteger(id))
      throw new Error(
        `trial ${index}: ${takeExc ? 'excitatory' : 'inhibitory'} synapse id ${id} out of range [0, ${limit})`,
      );
    if (time < 0 || time >= t.durationMs)
      throw new Error(`trial ${index}: input spike at ${time} ms outside [0, ${t.durationMs})`);
    if (o > 0 && time < times[o - 1]) throw new Error(`trial ${index}: input spike times are not sorted`);
    times[o] = time;
    channels[o] = takeExc ? id : nExc + id;
    if (takeExc) a++;
    else b++;
  }
  return { times, channels };
}

/** Dense [durationMs, nInputs] 0/1 input of a whole trial. */
export function denseInput(
  trial: PreparedTrial,
  nInputs: number,
  out = new Float32Array(trial.durationMs * nInputs),
): Float32Array {
  out.fill(0);
  for (let e = 0; e < trial.times.length; e++) out[trial.times[e] * nInputs + trial.channels[e]] = 1;
  return out;
}

/** A whole trial as a batch of one (dense input and its events), for running a network over it. */
export function trialBatch(trial: PreparedTrial, nInputs: number): SynapticBatch {
  const position = Int32Array.from(trial.times);
  return {
    batch: 1,
    length: trial.durationMs,
    nInputs,
    dense: tf.tensor3d(denseInput(trial, nInputs), [1, trial.durationMs, nInputs]),
    channel: trial.channels,
    position,
  };
}

export interface WindowRef {
  trial: number;
  /** last output bin of the window */
  end: number;
}

/**
 * Fills reusable batch buffers with windows: `outputBins` target bins ending at `end`, preceded by
 * `history` bins of input only (bins before 0 are silent, as a cell at rest).
 */
export class WindowBatcher {
  readonly inputBins: number;
  readonly x: Float32Array;
  readonly spikes: Float32Array;
  readonly voltage: Float32Array;
  /** events of the last fill: input channel and flat position b * inputBins + t (first `events`) */
  private eventChannel = new Int32Array(1024);
  private eventPosition = new Int32Array(1024);
  events = 0;
  private readonly minEnd: number;

  constructor(
    readonly trials: readonly PreparedTrial[],
    readonly nInputs: number,
    readonly history: number,
    readonly outputBins: number,
    readonly batch: number,
  ) {
    if (trials.length === 0) throw new Error('no trials to draw windows from');
    this.inputBins = history + outputBins;
    this.x = new Float32Array(batch * this.inputBins * nInputs);
    this.spikes = new Float32Array(batch * outputBins);
    this.voltage = new Float32Array(batch * outputBins);
    this.minEnd = Math.max(500, outputBins - 1);
    for (const t of trials) {
      if (t.durationMs <= this.minEnd)
        throw new Error(
          `trial of ${t.durationMs} ms is too short for windows ending at >= ${this.minEnd} ms`,
        );
    }
  }

  /** Draw `batch` windows: a uniform trial, and an end bin uniform in [max(500, W-1), duration). */
  draw(rng: Rng): WindowRef[] {
    const refs: WindowRef[] = [];
    for (let b = 0; b < this.batch; b++) {
      const trial = rng.int(0, this.trials.length);
      refs.push({ trial, end: rng.int(this.minEnd, this.trials[trial].durationMs) });
    }
    return refs;
  }

  fill(refs: readonly WindowRef[]): void {
    if (refs.length !== this.batch) throw new Error(`expected ${this.batch} windows, got ${refs.length}`);
    this.x.fill(0);
    this.events = 0;
    const C = this.nInputs;
    for (let b = 0; b < this.batch; b++) {
      const t = this.trials[refs[b].trial];
      const firstOut = refs[b].end - this.outputBins + 1;
      const firstIn = firstOut - this.history;
      let e = lowerBound(t.times, Math.max(firstIn, 0));
      for (; e < t.times.length && t.times[e] <= refs[b].end; e++) {
        const at = b * this.inputBins + t.times[e] - firstIn;
        this.x[at * C + t.channels[e]] = 1;
        this.pushEvent(t.channels[e], at);
      }

      for (let k = 0; k < this.outputBins; k++) {
        this.spikes[b * this.outputBins + k] = t.labels[firstOut + k];
        this.voltage[b * this.outputBins + k] = t.voltage[firstOut + k];
      }
    }
  }

  /** The last fill as a tfjs batch (the dense tensor is the caller's to dispose, e.g. in a tidy). */
  synaptic(): SynapticBatch {
    return {
      batch: this.batch,
      length: this.inputBins,
      nInputs: this.nInputs,
      dense: tf.tensor3d(this.x, [this.batch, this.inputBins, this.nInputs]),
      channel: this.eventChannel.subarray(0, this.events),
      position: this.eventPosition.subarray(0, this.events),
    };
  }

  private pushEvent(channel: number, position: number): void {
    if (this.events === this.eventChannel.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.eventChannel = grow(this.eventChannel);
      this.eventPosition = grow(this.eventPosition);
    }
    this.eventChannel[this.events] = channel;
    this.eventPosition[this.events++] = position;
  }
}

function lowerBound(a: Int32Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
