import { describe, it, expect } from '@jest/globals';
import type { CellModel } from '../../../src/reference/cable/cell-model.js';
import type { BinStepperOptions } from '../../../src/reference/cells/bin-stepper.js';
import { CompartmentalLanes } from '../../../src/reference/cells/compartmental-lanes.js';
import { CompartmentalNeuron } from '../../../src/reference/cells/compartmental-neuron.js';
import { l5pcModel } from '../../../src/reference/cells/l5pc-biophysics.js';
import { l5pcCellModel } from '../../../src/reference/cells/l5pc.js';
import type { BinOutput } from '../../../src/core/neuron.js';
import { branchedTree } from '../cable/small-trees.js';

/** Per lane and bin: the active synapse ids, drawn from a small LCG so that lanes differ. */
function randomInputs(seed: number, bins: number, n: number, perBin: number): number[][] {
  let x = seed >>> 0;
  const next = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
  return Array.from({ length: bins }, () =>
    Array.from({ length: Math.floor(next() * perBin * 2) }, () => Math.floor(next() * n)),
  );
}

interface Run {
  voltage: number[];
  spike: boolean[];
  spikeTimes: readonly number[];
  finalV: number[];
}

/** Injected current into the soma of lane l in bins 10..40 (only lane 1 is driven hard). */
const drive = (lane: number, bin: number): number => (lane === 1 && bin >= 10 && bin < 40 ? 1.5 : 0);

function runAlone(
  model: CellModel,
  opts: BinStepperOptions,
  lane: number,
  exc: number[][],
  inh: number[][],
): Run {
  const cell = new CompartmentalNeuron(model, opts);
  const out: BinOutput = { bin: -1, voltage: 0, spike: false };
  const run: Run = { voltage: [], spike: [], spikeTimes: [], finalV: [] };
  for (let k = 0; k < exc.length; k++) {
    cell.engine.injection[0] = drive(lane, k);
    if (cell.step(exc[k], inh[k], out)) {
      run.voltage.push(out.voltage);
      run.spike.push(out.spike);
    }
  }
  run.spikeTimes = [...cell.spikeTimes()];
  run.finalV = Array.from(cell.engine.v);
  return run;
}

function runLockstep(model: CellModel, opts: BinStepperOptions, exc: number[][][], inh: number[][][]): Run[] {
  const L = exc.length;
  const cells = new CompartmentalLanes(model, { ...opts, lanes: L });
  const outs: BinOutput[] = Array.from({ length: L }, () => ({ bin: -1, voltage: 0, spike: false }));
  const runs: Run[] = Array.from({ length: L }, () => ({
    voltage: [],
    spike: [],
    spikeTimes: [],
    finalV: [],
  }));
  for (let k = 0; k < exc[0].length; k++) {
    for (let l = 0; l < L; l++) cells.engine.injection[l] = drive(l, k); // soma = node 0: index l
    if (
      cells.step(
        exc.map((e) => e[k]),
        inh.map((h) => h[k]),
        outs,
      )
    ) {
      outs.forEach((o, l) => {
        expect(o.bin).toBe(k - 1);
        runs[l].voltage.push(o.voltage);
        runs[l].spike.push(o.spike);
      });
    }
  }
  const n = cells.engine.n;
  runs.forEach((r, l) => {
    r.spikeTimes = [...cells.spikeTimes(l)];
    r.finalV = Array.from({ length: n }, (_, i) => cells.engine.v[i * L + l]);
  });
  return runs;
}

describe('trials in lockstep (CompartmentalLanes)', () => {
  const small = l5pcModel(branchedTree());
  for (const opts of [
    { dt: 0.025, method: 'backward-euler' as const },
    { dt: 0.0625, method: 'crank-nicolson' as const },
    { dt: 0.125, method: 'crank-nicolson' as const, spikeDt: 0.025 },
  ] as BinStepperOptions[]) {
    it(`each of 3 lanes equals its trial run alone, to the bit (${opts.method}, dt ${opts.dt}${opts.spikeDt ? `, spike dt ${opts.spikeDt}` : ''})`, () => {
      const nExc = small.synapses.excNodes.length;
      const exc = [0, 1, 2].map((l) => randomInputs(11 + l, 60, nExc, 3));
      const inh = [0, 1, 2].map((l) => randomInputs(21 + l, 60, nExc, 2));
      const together = runLockstep(small, opts, exc, inh);
      const driven = together[1].spikeTimes.length;
      expect(driven).toBeGreaterThan(0); // the check covers spikes, not only rest
      together.forEach((run, l) => {
        const alone = runAlone(small, opts, l, exc[l], inh[l]);
        expect(run.voltage).toEqual(alone.voltage);
        expect(run.spike).toEqual(alone.spike);
        expect(run.spikeTimes).toEqual(alone.spikeTimes);
        expect(run.finalV).toEqual(alone.finalV);
      });
      expect(together[0].voltage).not.toEqual(together[2].voltage);
    });
  }

  it('the L5PC: two lanes of different inputs equal their trials run alone', () => {
    const model = l5pcCellModel('l5pc-nmda');
    const opts = { dt: 0.0625, method: 'crank-nicolson' as const };
    const exc = [0, 1].map((l) => randomInputs(31 + l, 25, 639, 8));
    const inh = [0, 1].map((l) => randomInputs(41 + l, 25, 639, 8));
    const together = runLockstep(model, opts, exc, inh);
    together.forEach((run, l) => {
      const alone = runAlone(model, opts, l, exc[l], inh[l]);
      expect(run.voltage).toEqual(alone.voltage);
      expect(run.finalV).toEqual(alone.finalV);
    });
  });

  it('rejects a lane count that is not a positive integer and inputs for the wrong number of lanes', () => {
    expect(() => new CompartmentalLanes(small, { lanes: 0 })).toThrow(/lanes must be a positive integer/);
    const cells = new CompartmentalLanes(small, { lanes: 2 });
    const out: BinOutput[] = [{ bin: 0, voltage: 0, spike: false }];
    expect(() => cells.step([[]], [[]], out)).toThrow(/2 lanes/);
  });
});
