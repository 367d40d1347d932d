/**
 * A transparent neuron for server tests: its voltage in bin k is -70 + (number of distinct exc ids)
 * - (number of distinct inh ids) of bin k, it spikes when that count is >= 3, and it reports bin k
 * only after stepping bin k + 1 (outputDelay 1), like the compartmental cells.
 */
import type { BinOutput, Neuron, NeuronSnapshot } from '../../../src/core/neuron.js';

export function fakeVoltage(bin: { exc?: ArrayLike<number>; inh?: ArrayLike<number> }): number {
  return -70 + new Set(Array.from(bin.exc ?? [])).size - new Set(Array.from(bin.inh ?? [])).size;
}

export class FakeNeuron implements Neuron {
  readonly cell = 'fake';
  readonly outputDelay = 1;
  binsStepped = 0;
  private held = 0;

  constructor(
    readonly nExc: number,
    readonly nInh: number,
  ) {}

  step(exc: ArrayLike<number>, inh: ArrayLike<number>, out: BinOutput): boolean {
    const v = fakeVoltage({ exc, inh });
    const ready = this.binsStepped >= 1;
    if (ready) {
      out.bin = this.binsStepped - 1;
      out.voltage = this.held;
      out.spike = this.held >= -67;
    }
    this.held = v;
    this.binsStepped++;
    return ready;
  }
  spikeTimes(): readonly number[] {
    return [];
  }
  reset(): void {
    this.binsStepped = 0;
  }
  snapshot(): NeuronSnapshot {
    return { cell: this.cell, binsStepped: this.binsStepped, held: this.held };
  }
  restore(s: NeuronSnapshot): void {
    this.binsStepped = s.binsStepped as number;
    this.held = s.held as number;
  }
}
