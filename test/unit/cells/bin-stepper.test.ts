import { describe, expect, it } from '@jest/globals';
import type { BinOutput } from '../../../src/core/neuron.js';
import type { CellModel } from '../../../src/reference/cable/cell-model.js';
import { SPIKE_TRIGGER_MV, type BinStepperOptions } from '../../../src/reference/cells/bin-stepper.js';
import { CompartmentalLanes } from '../../../src/reference/cells/compartmental-lanes.js';
import { l5pcCellModel } from '../../../src/reference/cells/l5pc.js';
import { SAMPLES_PER_MS } from '../../../src/reference/cells/spike-detector.js';

const COARSE = { method: 'crank-nicolson' as const, dt: 0.125 };
const FINE = { method: 'crank-nicolson' as const, dt: 0.025 };
const ADAPTIVE = { ...COARSE, spikeDt: 0.025 };

/** Soma current (nA) of bin k: a 1.5-nA step in bins 10..40 that makes the L5PC fire. */
const step = (k: number): number => (k >= 10 && k < 40 ? 1.5 : 0);

interface Trace {
  soma: number[];
  spikes: readonly number[];
  substeps: number;
  cell: CompartmentalLanes;
}

function run(
  model: CellModel,
  opts: BinStepperOptions,
  bins: number,
  drive = step,
  from?: CompartmentalLanes,
): Trace {
  const cell = from ?? new CompartmentalLanes(model, opts);
  const out: BinOutput[] = [{ bin: 0, voltage: 0, spike: false }];
  const soma: number[] = [];
  const start = cell.binsStepped;
  for (let k = start; k < start + bins; k++) {
    cell.engine.injection[0] = drive(k);
    cell.step([[]], [[]], out);
    for (let j = 0; j < SAMPLES_PER_MS; j++) soma.push(cell.binSamples[j]);
  }
  return { soma, spikes: cell.spikeTimes(0), substeps: cell.substepsTaken, cell };
}

const maxAbsDiff = (a: number[], b: number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe('spike-adaptive bins (bin-stepper.ts)', () => {
  const model = l5pcCellModel('l5pc-nmda');

  it('a trial that never nears the trigger is the coarse fixed step, to the bit', () => {
    const adaptive = run(model, ADAPTIVE, 30, () => 0);
    const coarse = run(model, COARSE, 30, () => 0);
    expect(Math.max(...adaptive.soma)).toBeLessThan(SPIKE_TRIGGER_MV);
    expect(adaptive.soma).toEqual(coarse.soma);
    expect(adaptive.substeps).toBe(30 * 8);
  });

  it('around spikes the bins are taken at the fine dt: the trace follows CN 0.025 where CN 0.125 does not', () => {
    const adaptive = run(model, ADAPTIVE, 60);
    const fine = run(model, FINE, 60);
    const coarse = run(model, COARSE, 60);
    expect(fine.spikes.length).toBeGreaterThan(1);
    expect(adaptive.spikes.length).toBe(fine.spikes.length);
    // spike times lie on the 0.125-ms sample grid: the same sample or the next
    adaptive.spikes.forEach((t, i) => expect(Math.abs(t - fine.spikes[i])).toBeLessThanOrEqual(0.125));
    expect(coarse.spikes.length).not.toBe(fine.spikes.length); // CN 0.125 alone rings into extra spikes
    const errAdaptive = maxAbsDiff(adaptive.soma, fine.soma);
    const errCoarse = maxAbsDiff(coarse.soma, fine.soma);
    expect(errAdaptive).toBeLessThan(errCoarse / 5);
    // more than the coarse substeps (bins redone), far fewer than the fine ones
    expect(adaptive.substeps).toBeGreaterThan(60 * 8);
    expect(adaptive.substeps).toBeLessThan(60 * 40);
  });

  it('a snapshot taken while the fine dt holds resumes the same trial', () => {
    const whole = run(model, ADAPTIVE, 50);
    const first = run(model, ADAPTIVE, 22);
    const snap = first.cell.snapshot();
    const resumed = new CompartmentalLanes(model, ADAPTIVE);
    resumed.restore(snap);
    const rest = run(model, ADAPTIVE, 28, step, resumed);
    expect([...first.soma, ...rest.soma]).toEqual(whole.soma);
  });

  it('refuses a spike dt that does not divide 1 ms or is not below dt', () => {
    expect(() => new CompartmentalLanes(model, { ...COARSE, spikeDt: 0.3 })).toThrow(
      /spikeDt must divide 1 ms/,
    );
    expect(() => new CompartmentalLanes(model, { ...COARSE, spikeDt: 0.125 })).toThrow(/smaller than dt/);
  });
});
