/**
 * The protobuf wire format at the byte level, for the hand-written codecs of the frames that carry
 * the stream's data (input and output chunks): varint sizes and writes into a preallocated buffer.
 */

/** bytes of a uint32 as a varint */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** bytes of an int32 as a varint (negative values take 10: sign-extended to 64 bits) */
export function int32Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/** A write cursor over a buffer sized in advance. */
export class ByteWriter {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** a uint32 */
  varint(v: number): void {
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** an int32 (protobuf's int32 encoding: negative values sign-extended to ten bytes) */
  int32(v: number): void {
    if (v >= 0) return this.varint(v);
    const buf = this.buf;
    let lo = v >>> 0;
    // the low 32 bits, then 1-bits for the sign extension
    for (let i = 0; i < 4; i++) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // byte 4 carries bits 28..31 and the first three extension bits
    buf[this.pos++] = (lo & 0x0f) | 0x70 | 0x80;
    for (let i = 0; i < 4; i++) buf[this.pos++] = 0xff;
    buf[this.pos++] = 0x01;
  }

  /** packed float32 values, little-endian */
  floats(a: ArrayLike<number>): void {
    const view = this.view;
    let p = this.pos;
    for (let i = 0; i < a.length; i++, p += 4) view.setFloat32(p, a[i], true);
    this.pos = p;
  }
}

/** frames up to this size are carved from a shared slab (as Node's Buffer pool does) */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_PIECE = 8 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * `bytes` fresh bytes, 8-byte aligned, for a frame that is handed to the socket and never written
 * again. Small ones come from a slab, so that each is not an ArrayBuffer (and a GC-tracked backing
 * store) of its own; a slab is never reused, it is freed once no piece of it is referenced. Like
 * the pooled Buffers protobufjs encodes into, such a frame must not be transferred (postMessage
 * with its buffer) or cloned by its buffer.
 */
function freshBytes(bytes: number): ArrayBuffer | { buffer: ArrayBuffer; offset: number } {
  if (bytes > SLAB_MAX_PIECE) return new ArrayBuffer(bytes);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed = (slabUsed + bytes + 7) & ~7;
  return { buffer: slab, offset };
}

/** A fresh Uint8Array of `n` bytes (see freshBytes). */
export function freshUint8(n: number): Uint8Array {
  const b = freshBytes(n);
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.offset, n);
}
