/**
 * Hand-written protobuf codec of the frame clients send most, `ClientMessage { input_chunk }` of a
 * single-neuron session. The encoder writes the bins straight into one buffer of the right size.
 * The server's reader turns the bins directly into spike trains (BinnedSpikes, no object per bin)
 * and returns null for any frame it was not written for: a multi-neuron chunk, unpacked ids, an id
 * that is not a uint32, unknown fields, no bins, anything truncated. The caller then decodes the
 * frame with the strict general decoder (decode-client.ts), which gives the precise error, so a
 * frame is accepted with the same content, or refused with the same error, either way.
 */
import type { BinnedSpikes, SpikeBin } from '../src/core/spikes.js';
import { ByteWriter, freshUint8, varintSize } from './wire-bytes.js';

/** ClientMessage.input_chunk: field 2, length-delimited */
const TAG_INPUT_CHUNK = 0x12;
const TAG_FIRST_BIN = 0x08;
const TAG_BIN = 0x12;
// Bin: exc = 1, inh = 2, both packed
const TAG_EXC = 0x0a;
const TAG_INH = 0x12;

const MAX_UINT32 = 0xffffffff;

function isUint32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_UINT32;
}

/** bytes of the packed ids, or -1 when one is not a uint32 */
function packedSize(ids: ArrayLike<number> | undefined): number {
  if (!ids) return 0;
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!isUint32(id)) return -1;
    n += varintSize(id);
  }
  return n;
}

function fieldSize(payload: number): number {
  return 1 + varintSize(payload) + payload;
}

/** sizes of each bin's two packed fields, reused across calls */
let sizes = new Uint32Array(256);

/**
 * `{ inputChunk: { firstBin, bins } }` as protobuf bytes, or null when firstBin or an id is not a
 * uint32 (what protobufjs would do with such values is left to it: tests send them on purpose).
 */
export function encodeInputChunkFrame(firstBin: number, bins: readonly SpikeBin[]): Uint8Array | null {
  if (!isUint32(firstBin)) return null;
  if (sizes.length < 2 * bins.length) sizes = new Uint32Array(4 * bins.length);
  let body = firstBin > 0 ? 1 + varintSize(firstBin) : 0;
  for (let i = 0; i < bins.length; i++) {
    const exc = packedSize(bins[i].exc);
    const inh = packedSize(bins[i].inh);
    if (exc < 0 || inh < 0) return null;
    sizes[2 * i] = exc;
    sizes[2 * i + 1] = inh;
    body += fieldSize((exc > 0 ? fieldSize(exc) : 0) + (inh > 0 ? fieldSize(inh) : 0));
  }
  const buf = freshUint8(fieldSize(body));
  const w = new ByteWriter(buf);
  buf[w.pos++] = TAG_INPUT_CHUNK;
  w.varint(body);
  if (firstBin > 0) {
    buf[w.pos++] = TAG_FIRST_BIN;
    w.varint(firstBin);
  }
  for (let i = 0; i < bins.length; i++) {
    const exc = sizes[2 * i];
    const inh = sizes[2 * i + 1];
    buf[w.pos++] = TAG_BIN;
    w.varint((exc > 0 ? fieldSize(exc) : 0) + (inh > 0 ? fieldSize(inh) : 0));
    writePacked(w, TAG_EXC, exc, bins[i].exc);
    writePacked(w, TAG_INH, inh, bins[i].inh);
  }
  if (w.pos !== buf.length) throw new Error(`input chunk encoder wrote ${w.pos} of ${buf.length} bytes`);
  return buf;
}

function writePacked(w: ByteWriter, tag: number, size: number, ids: ArrayLike<number> | undefined): void {
  if (size === 0 || !ids) return;
  w.buf[w.pos++] = tag;
  w.varint(size);
  for (let i = 0; i < ids.length; i++) w.varint(ids[i]);
}

/** A single-neuron input chunk as the server's reader gives it. */
export interface PackedInputChunk {
  firstBin: number;
  spikes: BinnedSpikes;
}

/** Growable scratch arrays of the reader (one frame is read at a time). */
class Scratch {
  ids = new Int32Array(1024);
  times = new Int32Array(1024);
  offsets = new Int32Array(257);
  n = 0;

  push(id: number, bin: number): void {
    if (this.n === this.ids.length) {
      this.ids = grow(this.ids);
      this.times = grow(this.times);
    }
    this.ids[this.n] = id;
    this.times[this.n++] = bin;
  }

  /** closes bin `bin` (its spikes end at the current count) */
  endBin(bin: number): void {
    if (bin + 1 >= this.offsets.length) this.offsets = grow(this.offsets);
    this.offsets[bin + 1] = this.n;
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

const exc = new Scratch();
const inh = new Scratch();

/** Position and the last varint (low 32 bits; `ok` false when it was not a uint32 or ran out). */
const cur = { pos: 0, v: 0, ok: true };

function readUint32(buf: Uint8Array, end: number): void {
  let pos = cur.pos;
  if (pos < end && buf[pos] < 0x80) {
    cur.v = buf[pos];
    cur.pos = pos + 1;
    return;
  }
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (pos >= end) {
      cur.ok = false;
      return;
    }
    const b = buf[pos++];
    if (i < 4) v |= (b & 0x7f) << (7 * i);
    else {
      // the fifth byte may carry only bits 28..31 and must be the last
      if (b > 0x0f) {
        cur.ok = false;
        return;
      }
      v |= b << 28;
    }
    if (b < 0x80) {
      cur.v = v >>> 0;
      cur.pos = pos;
      return;
    }
  }
  cur.ok = false;
}

function readPackedIds(buf: Uint8Array, stop: number, into: Scratch, bin: number): boolean {
  while (cur.pos < stop) {
    readUint32(buf, stop);
    if (!cur.ok) return false;
    into.push(cur.v, bin);
  }
  return true;
}

/**
 * The six arrays of the chunk's trains as views of one buffer of exactly their size: one
 * allocation per chunk, and a structured clone (the bins go on to the reference worker) copies
 * just these bytes.
 */
function packTrains(bins: number): BinnedSpikes {
  const ne = exc.n;
  const ni = inh.n;
  const all = new Int32Array(2 * ne + 2 * ni + 2 * (bins + 1));
  let at = 0;
  const piece = (src: Int32Array, n: number): Int32Array => {
    const out = all.subarray(at, at + n);
    out.set(src.subarray(0, n));
    at += n;
    return out;
  };
  return {
    count: bins,
    exc: { ids: piece(exc.ids, ne), times: piece(exc.times, ne) },
    inh: { ids: piece(inh.ids, ni), times: piece(inh.times, ni) },
    excOffsets: piece(exc.offsets, bins + 1),
    inhOffsets: piece(inh.offsets, bins + 1),
  };
}

/**
 * The bins of a single-neuron input chunk frame as spike trains (ids stored as Int32, as
 * flattenBins stores them), or null when the frame is not one in the plain form (see above).
 */
export function readPackedInputChunk(buf: Uint8Array): PackedInputChunk | null {
  if (buf.length < 2 || buf[0] !== TAG_INPUT_CHUNK) return null;
  cur.ok = true;
  cur.pos = 1;
  readUint32(buf, buf.length);
  if (!cur.ok || cur.pos + cur.v !== buf.length) return null;
  const end = buf.length;
  exc.n = inh.n = 0;
  let firstBin = 0;
  let firstBinSeen = false;
  let bins = 0;
  while (cur.pos < end) {
    const tag = buf[cur.pos++];
    if (tag === TAG_FIRST_BIN) {
      if (firstBinSeen) return null;
      firstBinSeen = true;
      readUint32(buf, end);
      if (!cur.ok) return null;
      firstBin = cur.v;
    } else if (tag === TAG_BIN) {
      readUint32(buf, end);
      if (!cur.ok || cur.v > end - cur.pos) return null;
      const binEnd = cur.pos + cur.v;
      while (cur.pos < binEnd) {
        const field = buf[cur.pos++];
        if (field !== TAG_EXC && field !== TAG_INH) return null;
        readUint32(buf, binEnd);
        if (!cur.ok || cur.v > binEnd - cur.pos) return null;
        if (!readPackedIds(buf, cur.pos + cur.v, field === TAG_EXC ? exc : inh, bins)) return null;
      }
      exc.endBin(bins);
      inh.endBin(bins);
      bins++;
    } else return null;
  }
  if (bins === 0) return null;
  return { firstBin, spikes: packTrains(bins) };
}
