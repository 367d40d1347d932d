/**
 * Hand-written protobuf codec of the frame the stream sends most, `ServerMessage { output_chunk }`:
 * one size pass, one write into a buffer of exactly that size (no intermediate objects), and a
 * reader that builds the same object as the reflection-based decoder (codec.ts) in one pass. The
 * reader returns null for any frame it was not written for (unknown or unpacked fields, an unknown
 * source, …); the caller then falls back to the general decoder, so both give the same answer.
 */
import type { OutputChunkMsg, ServerMessage, SourceName } from './messages.js';
import { ByteWriter, freshUint8, int32Size, varintSize } from './wire-bytes.js';

/** ServerMessage.output_chunk: field 2, length-delimited */
const TAG_OUTPUT_CHUNK = 0x12;
// OutputChunk fields (number << 3 | wire type)
const TAG_SOURCE = 0x08;
const TAG_FIRST_BIN = 0x10;
const TAG_VOLTAGE = 0x1a;
const TAG_SPIKE_PROB = 0x22;
const TAG_SPIKE = 0x2a;
const TAG_LAG = 0x30;
const TAG_DENDRITIC = 0x52;
/** field 20, varint: two key bytes */
const TAG_NEURONS = [0xa0, 0x01] as const;

const SOURCES: readonly SourceName[] = ['SURROGATE', 'REFERENCE'];

function packedFloatsSize(n: number): number {
  return n === 0 ? 0 : 1 + varintSize(4 * n) + 4 * n;
}

/** The OutputChunk message body (without the ServerMessage wrapper). */
function chunkSize(c: OutputChunkMsg, neurons: number): number {
  const source = SOURCES.indexOf(c.source);
  return (
    (source > 0 ? 2 : 0) +
    (c.firstBin > 0 ? 1 + varintSize(c.firstBin) : 0) +
    packedFloatsSize(c.voltage.length) +
    packedFloatsSize(c.spikeProb.length) +
    (c.spike.length > 0 ? 1 + varintSize(c.spike.length) + c.spike.length : 0) +
    (c.referenceLagBins !== 0 ? 1 + int32Size(c.referenceLagBins) : 0) +
    packedFloatsSize(c.dendriticVoltage?.length ?? 0) +
    (neurons > 0 ? 2 + varintSize(neurons) : 0)
  );
}

function writeFloats(w: ByteWriter, tag: number, a: ArrayLike<number> | undefined): void {
  if (!a || a.length === 0) return;
  w.buf[w.pos++] = tag;
  w.varint(4 * a.length);
  w.floats(a);
}

/** `{ outputChunk: c }` as protobuf bytes (proto3 defaults left out, repeated fields packed). */
export function encodeOutputChunkFrame(c: OutputChunkMsg): Uint8Array {
  const neurons = c.neurons ?? 0;
  const size = chunkSize(c, neurons);
  const buf = freshUint8(1 + varintSize(size) + size);
  const w = new ByteWriter(buf);
  buf[w.pos++] = TAG_OUTPUT_CHUNK;
  w.varint(size);
  const source = SOURCES.indexOf(c.source);
  if (source > 0) {
    buf[w.pos++] = TAG_SOURCE;
    w.varint(source);
  }
  if (c.firstBin > 0) {
    buf[w.pos++] = TAG_FIRST_BIN;
    w.varint(c.firstBin);
  }
  writeFloats(w, TAG_VOLTAGE, c.voltage);
  writeFloats(w, TAG_SPIKE_PROB, c.spikeProb);
  const spike = c.spike;
  if (spike.length > 0) {
    buf[w.pos++] = TAG_SPIKE;
    w.varint(spike.length);
    for (let i = 0; i < spike.length; i++) buf[w.pos++] = spike[i] ? 1 : 0;
  }
  if (c.referenceLagBins !== 0) {
    buf[w.pos++] = TAG_LAG;
    w.int32(c.referenceLagBins);
  }
  writeFloats(w, TAG_DENDRITIC, c.dendriticVoltage);
  if (neurons > 0) {
    buf[w.pos++] = TAG_NEURONS[0];
    buf[w.pos++] = TAG_NEURONS[1];
    w.varint(neurons);
  }
  if (w.pos !== buf.length) throw new Error(`output chunk encoder wrote ${w.pos} of ${buf.length} bytes`);
  return buf;
}

/** A cursor that gives up (NaN) instead of throwing: any surprise sends the frame to the general decoder. */
class Cursor {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly view: DataView,
  ) {}

  /** the low 32 bits of a varint (unsigned), or NaN when it is truncated or over 10 bytes */
  varint(end: number): number {
    const buf = this.buf;
    let v = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) return NaN;
      const b = buf[this.pos++];
      if (i < 4) v |= (b & 0x7f) << (7 * i);
      else if (i === 4) v |= (b & 0x0f) << 28;
      if (b < 0x80) return v >>> 0;
    }
    return NaN;
  }

  /** the end of a length-delimited field starting here, or NaN when it runs past `end` */
  lengthEnd(end: number): number {
    const n = this.varint(end);
    return n <= end - this.pos ? this.pos + n : NaN;
  }

  floats(stop: number, out: number[]): boolean {
    if ((stop - this.pos) % 4 !== 0) return false;
    for (let p = this.pos; p < stop; p += 4) out.push(this.view.getFloat32(p, true));
    this.pos = stop;
    return true;
  }
}

/**
 * The message of a `{ outputChunk }` frame as codec.ts's decodeServer gives it (arrays of numbers,
 * spike flags as booleans), or null when the frame is anything else or not in the form written
 * above and by protobufjs.
 */
export function decodeOutputChunkFrame(buf: Uint8Array): ServerMessage | null {
  if (buf.length < 2 || buf[0] !== TAG_OUTPUT_CHUNK) return null;
  const r = new Cursor(buf, new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
  r.pos = 1;
  const end = r.lengthEnd(buf.length);
  if (end !== buf.length) return null;
  let source = 0;
  let firstBin = 0;
  let lag = 0;
  let neurons = 0;
  const voltage: number[] = [];
  const spikeProb: number[] = [];
  const spike: boolean[] = [];
  const dendritic: number[] = [];
  while (r.pos < end) {
    const tag = buf[r.pos++];
    if (tag === TAG_VOLTAGE || tag === TAG_SPIKE_PROB || tag === TAG_DENDRITIC) {
      const stop = r.lengthEnd(end);
      if (!(stop >= 0)) return null;
      const out = tag === TAG_VOLTAGE ? voltage : tag === TAG_SPIKE_PROB ? spikeProb : dendritic;
      if (!r.floats(stop, out)) return null;
    } else if (tag === TAG_SPIKE) {
      const stop = r.lengthEnd(end);
      if (!(stop >= 0)) return null;
      while (r.pos < stop) {
        const v = r.varint(stop);
        if (Number.isNaN(v)) return null;
        spike.push(v !== 0);
      }
    } else if (tag === TAG_SOURCE || tag === TAG_FIRST_BIN || tag === TAG_LAG) {
      const v = r.varint(end);
      if (Number.isNaN(v)) return null;
      if (tag === TAG_SOURCE) source = v;
      else if (tag === TAG_FIRST_BIN) firstBin = v;
      else lag = v | 0;
    } else if (tag === TAG_NEURONS[0] && buf[r.pos] === TAG_NEURONS[1]) {
      r.pos++;
      neurons = r.varint(end);
      if (Number.isNaN(neurons)) return null;
    } else return null;
  }
  const sourceName = SOURCES[source];
  if (sourceName === undefined) return null;
  const chunk: OutputChunkMsg = {
    source: sourceName,
    firstBin,
    voltage,
    spikeProb,
    spike,
    referenceLagBins: lag,
    ...(dendritic.length > 0 ? { dendriticVoltage: dendritic } : {}),
    ...(neurons ? { neurons } : {}),
  };
  return { outputChunk: chunk };
}
