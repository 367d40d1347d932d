import { NeuronInputError, type BinOutput, type Neuron, type NeuronSnapshot } from '../../core/neuron.js';
import { IF_KAPPA_MV, IF_N_EXC, IF_N_INH, IF_REST_MV, IF_THRESHOLD_MV, ifKernel } from './parameters.js';

/**
 * The paper's integrate-and-fire neuron (spec §7), one 1-ms bin per step, equal to the batch
 * definition (./batch.ts) on every bin the batch computes.
 *
 * Both the input and the reset act through the same kernel K, so the voltage is
 *   V[t] = V_r + Σ_{n=0}^{140} K[n]·d[t−n],
 * with d[t] = κ(#exc − #inh spikes of bin t) − r[t], and r[t] the reset applied at bin t after a
 * spike in bin t−1: r[t] = V_pre[t] − V_r, V_pre[t] being V[t] before that reset. With K[0] = 1 the
 * reset puts V[t] exactly at V_r, and its effect then decays through K like any input. A ring
 * buffer holds the last 141 values of d.
 */
export class IntegrateAndFireNeuron implements Neuron {
  readonly cell = 'if';
  readonly nExc = IF_N_EXC;
  readonly nInh = IF_N_INH;
  readonly outputDelay = 0;
  private readonly kernel = ifKernel();
  /** d[t] of the last K.length bins; d[t] lives at index t mod K.length */
  private drive = new Float64Array(this.kernel.length);
  private bins = 0;
  /** whether bin binsStepped−1 spiked (so the next bin is reset) */
  private resetPending = false;
  private spikes: number[] = [];
  /** per-synapse stamp of the last call that saw it, to ignore duplicate ids within one bin */
  private readonly excSeen = new Uint32Array(IF_N_EXC);
  private readonly inhSeen = new Uint32Array(IF_N_INH);
  private stamp = 0;

  get binsStepped(): number {
    return this.bins;
  }

  step(exc: ArrayLike<number>, inh: ArrayLike<number>, out: BinOutput): boolean {
    this.stamp = this.stamp === 0xffffffff ? 1 : this.stamp + 1;
    if (this.stamp === 1) {
      this.excSeen.fill(0);
      this.inhSeen.fill(0);
    }
    const net =
      this.countDistinct(exc, this.excSeen, 'excitatory') -
      this.countDistinct(inh, this.inhSeen, 'inhibitory');
    const K = this.kernel;
    const L = K.length;
    const t = this.bins;
    const slot = t % L;
    this.drive[slot] = IF_KAPPA_MV * net;
    let v = IF_REST_MV;
    // Σ_n K[n]·d[t−n]; slots of bins before 0 hold zeros
    for (let n = 0, i = slot; n < L; n++, i = i === 0 ? L - 1 : i - 1) v += K[n] * this.drive[i];
    if (this.resetPending) {
      this.drive[slot] -= v - IF_REST_MV;
      v = IF_REST_MV;
    }
    const spike = v > IF_THRESHOLD_MV;
    if (spike) this.spikes.push(t);
    this.resetPending = spike;
    this.bins = t + 1;
    out.bin = t;
    out.voltage = v;
    out.spike = spike;
    return true;
  }

  /** Number of distinct valid ids in `ids`; throws NeuronInputError before any state changes. */
  private countDistinct(ids: ArrayLike<number>, seen: Uint32Array, kind: string): number {
    let count = 0;
    const stamp = this.stamp;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      // (id | 0) === id: integer test without a builtin call in the per-spike loop
      if (!(id >= 0 && id < seen.length && (id | 0) === id)) {
        throw new NeuronInputError(
          `I&F neuron: ${kind} synapse id ${String(id)} is not an integer in [0, ${seen.length})`,
        );
      }
      if (seen[id] !== stamp) {
        seen[id] = stamp;
        count++;
      }
    }
    return count;
  }

  spikeTimes(): readonly number[] {
    return this.spikes;
  }

  reset(): void {
    this.drive.fill(0);
    this.bins = 0;
    this.resetPending = false;
    this.spikes = [];
  }

  snapshot(): NeuronSnapshot {
    return {
      cell: this.cell,
      drive: this.drive.slice(),
      bins: this.bins,
      resetPending: this.resetPending,
      spikes: this.spikes.slice(),
    };
  }

  restore(snapshot: NeuronSnapshot): void {
    const { drive, bins, resetPending, spikes } = snapshot as NeuronSnapshot & {
      drive?: unknown;
      bins?: unknown;
      resetPending?: unknown;
      spikes?: unknown;
    };
    if (snapshot.cell !== this.cell)
      throw new NeuronInputError(`cannot restore a '${snapshot.cell}' snapshot into the I&F neuron`);
    if (
      !isFloat64Array(drive) ||
      drive.length !== this.kernel.length ||
      typeof bins !== 'number' ||
      typeof resetPending !== 'boolean' ||
      !Array.isArray(spikes)
    ) {
      throw new NeuronInputError('malformed I&F snapshot');
    }
    this.drive = Float64Array.from(drive);
    this.bins = bins;
    this.resetPending = resetPending;
    this.spikes = (spikes as number[]).slice();
  }
}

/** Float64Array test that also accepts arrays from another realm (structuredClone, workers, vm). */
function isFloat64Array(x: unknown): x is Float64Array {
  return Object.prototype.toString.call(x) === '[object Float64Array]';
}
