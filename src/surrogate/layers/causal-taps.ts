/**
 * The tfjs arithmetic of a causal 1-D convolution, shared by the conv kinds:
 *   y[b, t, f] = sum_j sum_c x[b, t + j·d, c] · w[j, c, f],   j = 0..k-1
 * over an input that holds (k-1)·d bins of history before the first output bin (tap k-1 reads the
 * current bin). Built from slices and matMuls, so it needs no Conv2DBackpropFilter (absent from the
 * wasm backend), plus a sparse form for synapse inputs that costs (events × k × F).
 */
import * as tf from '@tensorflow/tfjs';
import type { SynapticBatch } from './layer-kind.js';

/** The skew form copies k·F values per input bin, the slice form k·C; margin for its extra passes. */
const SKEW_RATIO = 4;

/** Pre-activation [B·Lout, F] of x [B, L, C] with taps w [k, C, F] and dilation d. */
export function causalTaps(x: tf.Tensor3D, w: tf.Tensor3D, dilation = 1): tf.Tensor2D {
  const [batch, len, channels] = x.shape;
  const [k, wc, filters] = w.shape;
  if (wc !== channels) throw new Error(`causal conv: input has ${channels} channels, taps expect ${wc}`);
  const outLen = len - (k - 1) * dilation;
  if (outLen < 1)
    throw new Error(
      `causal conv: input of ${len} bins is shorter than the receptive field ${(k - 1) * dilation + 1}`,
    );
  if (dilation === 1 && k > 1 && SKEW_RATIO * filters < channels) return skewed(x, w, outLen);
  let acc: tf.Tensor2D | null = null as tf.Tensor2D | null;
  for (let j = 0; j < k; j++) {
    const xs = tf.reshape(tf.slice(x, [0, j * dilation, 0], [batch, outLen, channels]), [
      batch * outLen,
      channels,
    ]) as tf.Tensor2D;
    const wj = tf.reshape(tf.slice(w, [j, 0, 0], [1, channels, filters]), [channels, filters]) as tf.Tensor2D;
    const term: tf.Tensor2D = tf.matMul(xs, wj);
    acc = acc === null ? term : (tf.add(acc, term) as tf.Tensor2D);
  }
  return acc as tf.Tensor2D;
}

/**
 * One matMul for all taps, Y[b, s, j, f] = sum_c x[b, s, c] w[j, c, f], then the diagonal sum
 * out[b, t, f] = sum_j Y[b, t + j, j, f], read with the skew trick: a row-major [k, L] block padded
 * to [k, L + 1] puts element (j, t + j) at (j, t). Far fewer copies than k input slices when
 * C >> F (a first layer over many synapses and few units).
 */
function skewed(x: tf.Tensor3D, w: tf.Tensor3D, outLen: number): tf.Tensor2D {
  const [batch, len, channels] = x.shape;
  const [k, , F] = w.shape;
  const wAll = tf.reshape(tf.transpose(w, [1, 0, 2]), [channels, k * F]) as tf.Tensor2D;
  const y = tf.matMul(tf.reshape(x, [batch * len, channels]) as tf.Tensor2D, wAll); // [B*L, k*F]
  const byFilter = tf.transpose(tf.reshape(y, [batch, len, k, F]), [0, 3, 2, 1]); // [B, F, k, L]
  const flat = tf.pad(tf.reshape(byFilter, [batch * F, k * len]), [
    [0, 0],
    [0, k],
  ]);
  const diag = tf.slice(tf.reshape(flat, [batch * F, k, len + 1]), [0, 0, 0], [batch * F, k, outLen]);
  const out = tf.transpose(tf.reshape(tf.sum(diag, 1), [batch, F, outLen]), [0, 2, 1]); // [B, T, F]
  return tf.reshape(out, [batch * outLen, F]) as tf.Tensor2D;
}

/**
 * The same convolution over synapse events, pre-activation [B, Lout, F] with Lout = L - (k-1):
 * an event on channel s at input bin τ adds w[j, s, :] to the output at τ - j (output index; the
 * history offset k-1 cancels the tap's lag k-1-j). Every (event, tap) pair that lands inside the
 * window is one row of w (index j·nIn + s) summed into one output row, so the forward pass is a
 * segment sum over the pairs sorted by output row, and the gradient with respect to w the segment
 * sum of the output gradient over the pairs sorted by w row. SparseSegmentSum (which the wasm
 * backend has) does each in one kernel; both directions cost pairs × F.
 */
export function sparseCausalTaps(x: SynapticBatch, w: tf.Variable<tf.Rank.R3>): tf.Tensor3D {
  const [k, nIn, F] = w.shape;
  const outLen = x.length - (k - 1);
  if (outLen < 1) throw new Error(`causal conv: input of ${x.length} bins is shorter than the kernel (${k})`);
  const rows = x.batch * outLen;
  const zeroTap = k * nIn; // a zero row appended to w: pads each segment list to its full length
  const pairs = eventTapPairs(x, k, nIn, outLen);
  // forward: output row <- tap rows, sorted by output row; a last pair pins the output size
  const byRow = sortPairs(pairs.out, pairs.tap, rows);
  const conv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const wIn = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const byTap = sortPairs(pairs.tap, pairs.out, zeroTap + 1);
    const fwdIdx = tf.tensor1d(withLast(byRow.values, zeroTap), 'int32');
    const fwdSeg = tf.tensor1d(withLast(byRow.keys, rows - 1), 'int32');
    const bwdIdx = tf.tensor1d(withLast(byTap.values, rows), 'int32');
    const bwdSeg = tf.tensor1d(withLast(byTap.keys, zeroTap), 'int32');
    // the gradient runs after the forward scope has ended: its index tensors must be saved
    save([bwdIdx, bwdSeg]);
    const taps = tf.concat([tf.reshape(wIn, [k * nIn, F]), tf.zeros([1, F])], 0);
    const out = tf.sparse.sparseSegmentSum(taps, fwdIdx, fwdSeg); // [rows, F]
    return {
      value: tf.reshape(out, [x.batch, outLen, F]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [idx, seg] = saved as [tf.Tensor1D, tf.Tensor1D];
        const dyRows = tf.concat([tf.reshape(dy, [rows, F]), tf.zeros([1, F])], 0);
        const dTaps = tf.sparse.sparseSegmentSum(dyRows, idx, seg); // [k*nIn + 1, F]
        return [tf.reshape(tf.slice(dTaps, [0, 0], [k * nIn, F]), [k, nIn, F])];
      },
    };
  });
  return conv(w) as tf.Tensor3D;
}

/** (tap row j·nIn + s, output row) of every event and tap whose output bin lies in the window. */
function eventTapPairs(
  x: SynapticBatch,
  k: number,
  nIn: number,
  outLen: number,
): { tap: Int32Array; out: Int32Array } {
  const E = x.channel.length;
  const tap = new Int32Array(E * k);
  const out = new Int32Array(E * k);
  let n = 0;
  for (let e = 0; e < E; e++) {
    const b = Math.floor(x.position[e] / x.length);
    const tau = x.position[e] - b * x.length;
    for (let j = 0; j < k; j++) {
      const t = tau - j;
      if (t < 0 || t >= outLen) continue;
      tap[n] = j * nIn + x.channel[e];
      out[n++] = b * outLen + t;
    }
  }
  return { tap: tap.subarray(0, n), out: out.subarray(0, n) };
}

/** Counting sort of pairs by key (keys in [0, range)): sorted keys and their values. */
function sortPairs(
  keys: Int32Array,
  values: Int32Array,
  range: number,
): { keys: Int32Array; values: Int32Array } {
  const start = new Int32Array(range + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i] + 1]++;
  for (let r = 0; r < range; r++) start[r + 1] += start[r];
  const sortedKeys = new Int32Array(keys.length);
  const sortedValues = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const at = start[keys[i]]++;
    sortedKeys[at] = keys[i];
    sortedValues[at] = values[i];
  }
  return { keys: sortedKeys, values: sortedValues };
}

function withLast(a: Int32Array, last: number): Int32Array {
  const out = new Int32Array(a.length + 1);
  out.set(a);
  out[a.length] = last;
  return out;
}
