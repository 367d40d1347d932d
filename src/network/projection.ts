/**
 * A projection: connections from the neurons of one population onto synapses of another, each with
 * a weight and a delay. Stored by presynaptic neuron (CSR), the way spikes are routed.
 *
 * Weight: twins take binary synapse events (a synapse spikes in a bin or it does not), so a weight
 * is a positive integer w: a presynaptic spike activates w distinct synapses of the target, ids
 * s, s+1, ..., s+w-1 of the connection's pool (wrapping around the pool), s being the connection's
 * synapse id. Events that land on the same synapse in the same bin count once.
 * Delay: whole ms, at least 1: a spike in bin k reaches the target in bin k + delay.
 */
import { Rng } from '../core/rng.js';

export type ConnectionRule =
  | { kind: 'all-to-all' }
  | { kind: 'fixed-probability'; p: number }
  /** explicit (pre, post) pairs */
  | { kind: 'list'; pre: ArrayLike<number>; post: ArrayLike<number> };

export interface ProjectionSpec {
  rule: ConnectionRule;
  /** the synapse pool the connections land on */
  synapse: 'exc' | 'inh';
  /** synapse id of every connection; absent: drawn uniformly per connection */
  synapseId?: number;
  /** positive integer (see above); default 1 */
  weight?: number;
  /** ms, integer >= 1, or [min, max] drawn uniformly per connection; default 1 */
  delay?: number | [number, number];
  /** connect a neuron to itself when pre and post are the same population (default false) */
  allowSelf?: boolean;
  seed?: number;
}

export class Projection {
  /** connections of pre neuron i are [offsets[i], offsets[i+1]) */
  readonly offsets: Uint32Array;
  readonly post: Uint32Array;
  /** combined id of the first synapse addressed (exc 0..nExc-1, inh nExc + id) */
  readonly synapse: Uint32Array;
  readonly delay: Uint16Array;
  readonly weight: Uint16Array;
  readonly maxDelay: number;

  constructor(
    readonly pre: string,
    readonly postName: string,
    preSize: number,
    postSize: number,
    post: { nExc: number; nInh: number },
    spec: ProjectionSpec,
    samePopulation: boolean,
    netSeed: number,
  ) {
    const rng = new Rng(spec.seed ?? netSeed);
    const pool = spec.synapse === 'exc' ? post.nExc : post.nInh;
    const base = spec.synapse === 'exc' ? 0 : post.nExc;
    if (pool === 0)
      throw new RangeError(`projection ${pre} -> ${postName}: the target has no ${spec.synapse} synapses`);
    const weight = spec.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > pool)
      throw new RangeError(
        `projection ${pre} -> ${postName}: weight must be an integer in [1, ${pool}], got ${weight}`,
      );
    const [dMin, dMax] = Array.isArray(spec.delay) ? spec.delay : [spec.delay ?? 1, spec.delay ?? 1];
    if (!Number.isInteger(dMin) || !Number.isInteger(dMax) || dMin < 1 || dMax < dMin || dMax > 65535)
      throw new RangeError(
        `projection ${pre} -> ${postName}: delay must be whole ms >= 1 (or [min, max] with min <= max), got ${JSON.stringify(spec.delay)}`,
      );
    if (
      spec.synapseId !== undefined &&
      (!Number.isInteger(spec.synapseId) || spec.synapseId < 0 || spec.synapseId >= pool)
    )
      throw new RangeError(
        `projection ${pre} -> ${postName}: synapseId must be in [0, ${pool}), got ${spec.synapseId}`,
      );
    const pairs = connectionPairs(
      spec.rule,
      preSize,
      postSize,
      samePopulation && !spec.allowSelf,
      rng,
      `${pre} -> ${postName}`,
    );
    const n = pairs.pre.length;
    this.offsets = new Uint32Array(preSize + 1);
    for (let c = 0; c < n; c++) this.offsets[pairs.pre[c] + 1]++;
    for (let i = 0; i < preSize; i++) this.offsets[i + 1] += this.offsets[i];
    const cursor = this.offsets.slice(0, preSize);
    this.post = new Uint32Array(n);
    this.synapse = new Uint32Array(n);
    this.delay = new Uint16Array(n);
    this.weight = new Uint16Array(n).fill(weight);
    for (let c = 0; c < n; c++) {
      const at = cursor[pairs.pre[c]]++;
      this.post[at] = pairs.post[c];
      this.synapse[at] = base + (spec.synapseId ?? rng.uniformInt(pool));
      this.delay[at] = dMin === dMax ? dMin : dMin + rng.uniformInt(dMax - dMin + 1);
    }
    this.maxDelay = dMax;
  }

  get size(): number {
    return this.post.length;
  }
}

function connectionPairs(
  rule: ConnectionRule,
  preSize: number,
  postSize: number,
  noSelf: boolean,
  rng: Rng,
  what: string,
): { pre: Uint32Array; post: Uint32Array } {
  const pre: number[] = [];
  const post: number[] = [];
  const add = (i: number, j: number): void => {
    if (noSelf && i === j) return;
    pre.push(i);
    post.push(j);
  };
  switch (rule.kind) {
    case 'all-to-all':
      for (let i = 0; i < preSize; i++) for (let j = 0; j < postSize; j++) add(i, j);
      break;
    case 'fixed-probability': {
      const p = rule.p;
      if (!(p >= 0 && p <= 1)) throw new RangeError(`projection ${what}: p must be in [0, 1], got ${p}`);
      if (p === 0) break;
      // geometric skips over the pre x post pairs: cost proportional to the connections made
      const logQ = Math.log(1 - p);
      const total = preSize * postSize;
      let k = -1;
      for (;;) {
        k += p === 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.uniform()) / logQ);
        if (k >= total) break;
        const i = Math.floor(k / postSize);
        add(i, k - i * postSize);
      }
      break;
    }
    case 'list': {
      if (rule.pre.length !== rule.post.length)
        throw new RangeError(`projection ${what}: list rule needs pre and post of the same length`);
      for (let c = 0; c < rule.pre.length; c++) {
        const i = rule.pre[c];
        const j = rule.post[c];
        if (!Number.isInteger(i) || i < 0 || i >= preSize)
          throw new RangeError(`projection ${what}: pre neuron ${i} is not in [0, ${preSize})`);
        if (!Number.isInteger(j) || j < 0 || j >= postSize)
          throw new RangeError(`projection ${what}: post neuron ${j} is not in [0, ${postSize})`);
        pre.push(i);
        post.push(j);
      }
      break;
    }
    default:
      throw new RangeError(`projection ${what}: unknown rule '${(rule as { kind: string }).kind}'`);
  }
  return { pre: Uint32Array.from(pre), post: Uint32Array.from(post) };
}
