/** What a network run records: spikes of whole populations, voltages of chosen neurons. */

export class SpikeRecorder {
  times = new Uint32Array(1024);
  neurons = new Uint32Array(1024);
  count = 0;

  constructor(readonly population: string) {}

  add(bin: number, neuron: number): void {
    if (this.count === this.times.length) {
      const t = new Uint32Array(this.times.length * 2);
      const n = new Uint32Array(this.times.length * 2);
      t.set(this.times);
      n.set(this.neurons);
      this.times = t;
      this.neurons = n;
    }
    this.times[this.count] = bin;
    this.neurons[this.count++] = neuron;
  }
}

/** Voltage of `neurons` per bin, row-major [bins, neurons.length]; bins not yet known are NaN. */
export class VoltageRecorder {
  data: Float32Array;
  bins = 0;

  constructor(
    readonly population: string,
    readonly neurons: Uint32Array,
  ) {
    this.data = new Float32Array(1024 * Math.max(1, neurons.length));
  }

  /** Records bin `bin` from a population's voltage array. */
  add(bin: number, voltage: Float32Array): void {
    const n = this.neurons.length;
    const need = (bin + 1) * n;
    if (need > this.data.length) {
      let size = this.data.length;
      while (size < need) size *= 2;
      const next = new Float32Array(size).fill(NaN);
      next.set(this.data.subarray(0, this.bins * n));
      this.data = next;
    }
    for (let b = this.bins; b < bin; b++) this.data.fill(NaN, b * n, (b + 1) * n);
    for (let i = 0; i < n; i++) this.data[bin * n + i] = voltage[this.neurons[i]];
    this.bins = Math.max(this.bins, bin + 1);
  }

  /** [bins, neurons] view of what was recorded. */
  values(): Float32Array {
    return this.data.subarray(0, this.bins * this.neurons.length);
  }
}
