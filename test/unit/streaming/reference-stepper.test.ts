/**
 * The reference stepper's dendritic recording: streamed in uneven chunks and flushed, a compartmental
 * cell gives the same soma samples and dendritic rows as the dataset's trial runner on the same
 * inputs (the recording the README documents for `generate --dendrites`).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceStepper } from '../../../src/streaming/reference-stepper.js';
import { createNeuron, cellInfo } from '../../../src/reference/cells/registry.js';
import { flattenBins } from '../../../src/core/spikes.js';
import { GIVEN_INPUTS } from '../../../src/core/input-record.js';
import { PatternGenerator } from '../../../src/inputs/paper-pattern.js';
import { TrialRunner } from '../../../src/dataset/simulate-trial.js';
import { writeTinyPyramid } from '../cli/tiny-morphology.js';

const BINS = 60;
const CHUNKS = [1, 7, 13, 25, 14];

describe('ReferenceStepper with dendrites', () => {
  let dir: string;
  let morphologyFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'neurotwin-stepper-'));
    morphologyFile = writeTinyPyramid(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the trial runner bin for bin, soma and every dendritic compartment', () => {
    const options = { morphologyFile };
    const config = cellInfo('l5pc-nmda').defaultInputs(options);
    const pattern = new PatternGenerator(config, BINS).generate(5);
    const bins = Array.from({ length: BINS }, (_, t) => ({
      exc: pattern.exc.ids.subarray(pattern.excOffsets[t], pattern.excOffsets[t + 1]),
      inh: pattern.inh.ids.subarray(pattern.inhOffsets[t], pattern.inhOffsets[t + 1]),
    }));
    expect(pattern.exc.ids.length).toBeGreaterThan(0);

    const stepper = new ReferenceStepper(createNeuron('l5pc-nmda', options), { dendrites: true });
    const D = stepper.nDendrites;
    expect(D).toBe(config.nExc);
    const voltage: number[] = [];
    const dendritic: number[] = [];
    let from = 0;
    const take = (out: ReturnType<ReferenceStepper['step']>) => {
      expect(out.firstBin).toBe(voltage.length);
      expect(out.dendriticVoltage?.length).toBe(out.voltage.length * D);
      voltage.push(...out.voltage);
      dendritic.push(...(out.dendriticVoltage ?? []));
    };
    for (const n of CHUNKS) {
      take(stepper.step(flattenBins(bins.slice(from, from + n))));
      from += n;
    }
    expect(from).toBe(BINS);
    take(stepper.flush());
    expect(voltage.length).toBe(BINS);

    const trial = new TrialRunner('l5pc-nmda', BINS, {
      inputs: config,
      neuronOptions: options,
      recordDendrites: true,
    }).runGiven({ exc: pattern.exc, inh: pattern.inh, seed: 5, generator: GIVEN_INPUTS });
    expect(voltage).toEqual(Array.from(trial.somaVoltage));
    expect(dendritic).toEqual(Array.from(trial.dendriticVoltage!));
    // the inputs moved the dendrites away from rest (−76 mV) somewhere
    expect(Math.max(...dendritic)).toBeGreaterThan(-75);
  });

  it('refuses dendrites for a point neuron, naming the cell', () => {
    expect(() => new ReferenceStepper(createNeuron('if'), { dendrites: true })).toThrow(
      "cell 'if' has no dendritic compartments to record",
    );
    expect(new ReferenceStepper(createNeuron('if')).nDendrites).toBe(0);
  });
});
