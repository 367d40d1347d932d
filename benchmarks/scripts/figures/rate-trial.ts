/**
 * One trial of the paper's input statistics (spec §8) on a named cell: spikes and the mean soma
 * potential (raw and clipped at −55 mV, spec §9.4) over t ≥ 500 ms.
 */
import { PatternGenerator } from '../../../src/inputs/paper-pattern.js';
import { cellInfo, createNeuron } from '../../../src/reference/cells/registry.js';
import { readMorphologyFile } from '../../../src/reference/morphology/read.js';
import type { BinOutput, Neuron } from '../../../src/core/neuron.js';

export interface TrialRequest {
  cell: string;
  /** morphology file (default: the procedural cell) */
  morphology?: string;
  durationMs: number;
  seed: number;
}

export interface TrialResult {
  seed: number;
  spikes: number;
  meanSoma: number;
  meanClippedSoma: number;
  /** wall seconds of the simulation */
  seconds: number;
}

const SCORED_FROM_MS = 500;
const CLIP_MV = -55;

/** Builds the cell and its generator once; `run(seed)` simulates one trial. */
export class TrialRunner {
  private readonly neuron: Neuron;
  private readonly generator: PatternGenerator;
  private readonly out: BinOutput = { bin: 0, voltage: 0, spike: false };

  constructor(
    readonly cell: string,
    readonly durationMs: number,
    morphologyPath?: string,
  ) {
    const options = morphologyPath ? { morphology: readMorphologyFile(morphologyPath) } : {};
    this.neuron = createNeuron(cell, options);
    this.generator = new PatternGenerator(cellInfo(cell).defaultInputs(options), durationMs);
  }

  run(seed: number): TrialResult {
    const start = performance.now();
    const pattern = this.generator.generate(seed);
    const { exc, inh, excOffsets, inhOffsets } = pattern;
    const neuron = this.neuron;
    const out = this.out;
    neuron.reset();
    let sum = 0;
    let clipped = 0;
    let scored = 0;
    const collect = (): void => {
      if (out.bin >= SCORED_FROM_MS) {
        sum += out.voltage;
        clipped += Math.min(out.voltage, CLIP_MV);
        scored++;
      }
    };
    for (let k = 0; k < this.durationMs; k++) {
      const e = exc.ids.subarray(excOffsets[k], excOffsets[k + 1]);
      const i = inh.ids.subarray(inhOffsets[k], inhOffsets[k + 1]);
      if (neuron.step(e, i, out)) collect();
    }
    return {
      seed,
      spikes: neuron.spikeTimes().length,
      meanSoma: sum / scored,
      meanClippedSoma: clipped / scored,
      seconds: (performance.now() - start) / 1000,
    };
  }
}
