/**
 * A compartmental cell behind the 1-ms Neuron interface (src/core/neuron.ts): one lane of
 * ./compartmental-lanes.ts, where the bin rules are written down.
 */
import type { BinOutput, Neuron, NeuronSnapshot } from '../../core/neuron.js';
import type { CellModel } from '../cable/cell-model.js';
import type { CompartmentEngine } from '../cable/engine.js';
import type { BinStepperOptions } from './bin-stepper.js';
import { CompartmentalLanes, type CompartmentalLanesState } from './compartmental-lanes.js';

interface CompartmentalSnapshot {
  readonly cell: string;
  lanes: CompartmentalLanesState;
}

export class CompartmentalNeuron implements Neuron {
  readonly cell: string;
  readonly nExc: number;
  readonly nInh: number;
  readonly outputDelay = 1;
  readonly engine: CompartmentEngine;
  readonly substepsPerMs: number;
  private readonly core: CompartmentalLanes;
  private readonly exc: ArrayLike<number>[] = [[]];
  private readonly inh: ArrayLike<number>[] = [[]];
  private readonly out: BinOutput[] = [{ bin: 0, voltage: 0, spike: false }];

  constructor(model: CellModel, options: BinStepperOptions = {}) {
    if (options.lanes !== undefined && options.lanes !== 1) {
      throw new RangeError(`a CompartmentalNeuron has one lane (got lanes ${options.lanes})`);
    }
    this.core = new CompartmentalLanes(model, options);
    this.engine = this.core.engine;
    this.cell = model.name;
    this.nExc = this.core.nExc;
    this.nInh = this.core.nInh;
    this.substepsPerMs = this.core.substepsPerMs;
  }

  get binsStepped(): number {
    return this.core.binsStepped;
  }

  step(exc: ArrayLike<number>, inh: ArrayLike<number>, out: BinOutput): boolean {
    this.exc[0] = exc;
    this.inh[0] = inh;
    this.out[0] = out;
    return this.core.step(this.exc, this.inh, this.out);
  }

  spikeTimes(): readonly number[] {
    return this.core.spikeTimes(0);
  }

  reset(): void {
    this.core.reset();
  }

  snapshot(): NeuronSnapshot {
    const s: CompartmentalSnapshot = { cell: this.cell, lanes: this.core.snapshot() };
    return s as unknown as NeuronSnapshot;
  }

  restore(snapshot: NeuronSnapshot): void {
    const s = snapshot as unknown as CompartmentalSnapshot;
    if (s.cell !== this.cell || !s.lanes) {
      throw new RangeError(`snapshot of '${String(s.cell)}' cannot be restored into '${this.cell}'`);
    }
    this.core.restore(s.lanes);
  }
}
