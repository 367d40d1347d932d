/**
 * Synaptic events of one bin for one population: (neuron, combined synapse id) pairs collected in
 * any order, then sorted by neuron into the StepInput CSR the population steps with. Buffers grow
 * and are reused; nothing is allocated per bin once they are large enough.
 */
import type { StepInput } from '../inference/stream-batch.js';

export class EventList {
  neurons = new Uint32Array(64);
  ids = new Uint32Array(64);
  length = 0;

  push(neuron: number, id: number): void {
    if (this.length === this.neurons.length) this.grow();
    this.neurons[this.length] = neuron;
    this.ids[this.length++] = id;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const n = new Uint32Array(this.neurons.length * 2);
    const i = new Uint32Array(this.ids.length * 2);
    n.set(this.neurons);
    i.set(this.ids);
    this.neurons = n;
    this.ids = i;
  }
}

/** Sorts the events of several lists by neuron (counting sort) into one CSR over `size` neurons. */
export class StepInputBuilder implements StepInput {
  offsets: Uint32Array;
  ids = new Uint32Array(64);
  private readonly cursor: Uint32Array;

  constructor(readonly size: number) {
    this.offsets = new Uint32Array(size + 1);
    this.cursor = new Uint32Array(size);
  }

  build(lists: readonly EventList[]): StepInput {
    const { offsets, cursor, size } = this;
    offsets.fill(0);
    let total = 0;
    for (const l of lists) {
      for (let e = 0; e < l.length; e++) offsets[l.neurons[e] + 1]++;
      total += l.length;
    }
    for (let i = 0; i < size; i++) offsets[i + 1] += offsets[i];
    if (total > this.ids.length) this.ids = new Uint32Array(Math.max(total, 2 * this.ids.length));
    cursor.set(offsets.subarray(0, size));
    for (const l of lists) {
      for (let e = 0; e < l.length; e++) this.ids[cursor[l.neurons[e]]++] = l.ids[e];
    }
    return this;
  }
}
