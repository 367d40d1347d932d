import { describe, it, expect } from '@jest/globals';
import { CompartmentalNeuron } from '../../../src/reference/cells/compartmental-neuron.js';
import { l5pcModel } from '../../../src/reference/cells/l5pc-biophysics.js';
import { SpikeDetector } from '../../../src/reference/cells/spike-detector.js';
import { NeuronInputError, type BinOutput } from '../../../src/core/neuron.js';
import { labelBin } from '../../../src/core/conventions.js';
import { branchedTree } from '../cable/small-trees.js';

describe('SpikeDetector (spec §9.2)', () => {
  it('finds strict local maxima above −25 mV at j/8 ms and ignores plateaus and low peaks', () => {
    const d = new SpikeDetector();
    const trace = [-70, -60, -10, -20, -30, -26, -27, 0, 0, -5, 10, 20, 15];
    trace.forEach((v) => d.push(v));
    expect(d.spikeTimes()).toEqual([2 / 8, 11 / 8]);
  });
});

describe('CompartmentalNeuron on a small active cell', () => {
  const model = l5pcModel(branchedTree());
  const none: number[] = [];

  it('outputs of bin k arrive with step k+1; the voltage sample is the soma V at t = k', () => {
    const cell = new CompartmentalNeuron(model);
    const out: BinOutput = { bin: -1, voltage: 0, spike: false };
    expect(cell.step(none, none, out)).toBe(false);
    expect(cell.outputDelay).toBe(1);
    const vAt1 = cell.engine.v[0];
    expect(cell.step(none, none, out)).toBe(true);
    expect(out.bin).toBe(0);
    expect(out.voltage).toBe(-76);
    cell.step(none, none, out);
    expect(out.bin).toBe(1);
    expect(out.voltage).toBe(vAt1);
    expect(cell.binsStepped).toBe(3);
  });

  it('labels spikes in the half-bin-offset convention and matches the 8 kHz trace', () => {
    const cell = new CompartmentalNeuron(model);
    const out: BinOutput = { bin: -1, voltage: 0, spike: false };
    const labels: number[] = [];
    for (let k = 0; k < 60; k++) {
      cell.engine.injection[0] = k >= 20 && k < 50 ? 1.5 : 0;
      if (cell.step(none, none, out) && out.spike) labels.push(out.bin);
    }
    const times = cell.spikeTimes();
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(Number.isInteger(t * 8)).toBe(true);
    const expected = [...new Set(times.map((t) => labelBin(t, 'half-bin-offset')).filter((b) => b < 59))];
    expect(labels).toEqual(expected);
  });

  it('synaptic input depolarises the soma; duplicate ids in one bin count once', () => {
    const a = new CompartmentalNeuron(model);
    const b = new CompartmentalNeuron(model);
    const out: BinOutput = { bin: -1, voltage: 0, spike: false };
    const exc = [0, 1, 2, 3, 4, 5, 6];
    for (let k = 0; k < 30; k++) {
      a.step(k === 5 ? exc : none, none, out);
      b.step(k === 5 ? [...exc, ...exc] : none, none, out);
    }
    expect(a.engine.v[0]).toBe(b.engine.v[0]);
    const quiet = new CompartmentalNeuron(model);
    for (let k = 0; k < 30; k++) quiet.step(none, none, out);
    expect(a.engine.v[0]).toBeGreaterThan(quiet.engine.v[0] + 0.01);
  });

  it('rejects bad synapse ids with a NeuronInputError', () => {
    const cell = new CompartmentalNeuron(model);
    const out: BinOutput = { bin: -1, voltage: 0, spike: false };
    expect(() => cell.step([cell.nExc], none, out)).toThrow(NeuronInputError);
    expect(() => cell.step(none, [1.5], out)).toThrow(/inhibitory synapse id 1.5/);
  });

  it('snapshot/restore (after structuredClone) and reset reproduce the run', () => {
    const cell = new CompartmentalNeuron(model);
    const out: BinOutput = { bin: -1, voltage: 0, spike: false };
    for (let k = 0; k < 10; k++) cell.step([k % 5], [k % 3], out);
    const snap = structuredClone(cell.snapshot());
    const trace = (): number[] => {
      const vs: number[] = [];
      for (let k = 0; k < 30; k++) {
        cell.engine.injection[0] = k > 5 && k < 20 ? 2 : 0;
        cell.step([k % 7], none, out);
        vs.push(out.voltage, out.spike ? 1 : 0);
      }
      return vs;
    };
    const first = trace();
    const spikes = [...cell.spikeTimes()];
    cell.restore(snap);
    expect(trace()).toEqual(first);
    expect(cell.spikeTimes()).toEqual(spikes);
    cell.reset();
    expect(cell.binsStepped).toBe(0);
    expect(cell.spikeTimes()).toEqual([]);
    expect(() => cell.restore({ cell: 'other' })).toThrow(/cannot be restored/);
  });
});
