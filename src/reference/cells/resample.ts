/**
 * A trace sampled every `dt` ms onto an `every`-ms grid from t = 0 to tstop, linearly interpolated
 * between samples — the rule CompartmentalNeuron uses to put its substeps on the 8-samples-per-ms
 * soma trace of spike detection when dt does not divide 0.125 ms.
 */
export function resampleTrace(
  trace: ArrayLike<number>,
  dt: number,
  every: number,
  tstop: number,
): Float64Array {
  const n = Math.round(tstop / every) + 1;
  const last = Math.round(tstop / dt);
  if (trace.length < last + 1)
    throw new RangeError(`trace has ${trace.length} samples, ${last + 1} needed to reach ${tstop} ms`);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const pos = (j * every) / dt;
    const lo = Math.min(Math.floor(pos + 1e-9), last);
    const w = pos - lo;
    out[j] = w < 1e-9 ? trace[lo] : trace[lo] + w * (trace[lo + 1] - trace[lo]);
  }
  return out;
}
