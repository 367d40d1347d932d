import type { Trial } from '../../../src/dataset/trial.js';
import { GIVEN_INPUTS } from '../../../src/core/input-record.js';
import { Rng } from '../../../src/core/rng.js';

/**
 * Test data with a known answer: Bernoulli input spikes through a fixed linear filter
 * (weight_j * exp(-n/tau), n < kernel) plus a resting level, and a spike label wherever the filtered
 * voltage crosses a threshold (no reset). A linear causal conv with a sigmoid head can fit it.
 */
export function syntheticTrials(
  count: number,
  seed: number,
  opts: {
    nExc?: number;
    nInh?: number;
    durationMs?: number;
    rate?: number;
    tau?: number;
    kernel?: number;
  } = {},
): Trial[] {
  const nExc = opts.nExc ?? 8;
  const nInh = opts.nInh ?? 2;
  const T = opts.durationMs ?? 1200;
  const rate = opts.rate ?? 0.02;
  const tau = opts.tau ?? 4;
  const K = opts.kernel ?? 12;
  const rng = new Rng(seed);
  const trials: Trial[] = [];
  for (let n = 0; n < count; n++) {
    const excT: number[] = [];
    const excI: number[] = [];
    const inhT: number[] = [];
    const inhI: number[] = [];
    const drive = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < nExc; j++)
        if (rng.uniform() < rate) {
          excT.push(t);
          excI.push(j);
          drive[t] += 1;
        }
      for (let j = 0; j < nInh; j++)
        if (rng.uniform() < rate) {
          inhT.push(t);
          inhI.push(j);
          drive[t] -= 1.5;
        }
    }
    const v = new Float32Array(T);
    const labels = new Uint8Array(T);
    const spikes: number[] = [];
    for (let t = 0; t < T; t++) {
      let s = -70;
      for (let k = 0; k < K && k <= t; k++) s += 2 * Math.exp(-k / tau) * drive[t - k];
      v[t] = s;
      if (s > -66) {
        labels[t] = 1;
        spikes.push(t);
      }
    }
    trials.push({
      seed: seed * 1000 + n,
      durationMs: T,
      nExc,
      nInh,
      exc: { times: Int32Array.from(excT), ids: Int32Array.from(excI) },
      inh: { times: Int32Array.from(inhT), ids: Int32Array.from(inhI) },
      somaVoltage: v,
      spikeTimes: Float64Array.from(spikes),
      spikeLabels: labels,
      generator: GIVEN_INPUTS,
    });
  }
  return trials;
}
