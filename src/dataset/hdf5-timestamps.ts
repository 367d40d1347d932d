/**
 * Clears the creation/modification/access/change times HDF5 stamps into every version-2 object header,
 * so that the same trials give the same bytes (h5wasm has no switch for this, HDF5's track_times).
 *
 * Version-2 object header (HDF5 file format spec, "Version 2 Object Header"): "OHDR", version 2, flags;
 * if flags bit 5, four uint32 times (access, modification, change, birth); if flags bit 4, two uint16
 * attribute phase-change values; the size of chunk 0 in 1/2/4/8 bytes (flags bits 0–1); chunk 0; then
 * a Jenkins lookup3 checksum of everything from the signature to the end of chunk 0. A signature-like
 * byte run inside raw data is left alone: only headers whose stored checksum verifies are changed.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

const SIGNATURE = Buffer.from('OHDR', 'latin1');
const TIMES_STORED = 0x20;
const PHASE_CHANGE_STORED = 0x10;
const BLOCK = 1 << 22;
/** chunk-0 sizes above this are not object headers this writer produces */
const MAX_CHUNK = 1 << 24;

/** Zeroes the object-header times of an HDF5 file in place; returns how many headers it changed. */
export function clearObjectTimestamps(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const block = Buffer.alloc(BLOCK + SIGNATURE.length - 1);
    let changed = 0;
    for (let start = 0; start < size; start += BLOCK) {
      const n = readSync(fd, block, 0, Math.min(block.length, size - start), start);
      const view = block.subarray(0, n);
      for (let at = view.indexOf(SIGNATURE); at >= 0 && at < BLOCK; at = view.indexOf(SIGNATURE, at + 1)) {
        if (clearHeaderAt(fd, start + at, size)) changed++;
      }
    }
    return changed;
  } finally {
    closeSync(fd);
  }
}

function clearHeaderAt(fd: number, pos: number, fileSize: number): boolean {
  const head = Buffer.alloc(6 + 16 + 4 + 8);
  readSync(fd, head, 0, Math.min(head.length, fileSize - pos), pos);
  const flags = head[5];
  if (head[4] !== 2 || !(flags & TIMES_STORED)) return false;
  let o = 6 + 16 + (flags & PHASE_CHANGE_STORED ? 4 : 0);
  const sizeBytes = 1 << (flags & 3);
  let chunk = 0;
  for (let i = 0; i < sizeBytes; i++) chunk += head[o + i] * 2 ** (8 * i);
  o += sizeBytes;
  if (chunk > MAX_CHUNK || pos + o + chunk + 4 > fileSize) return false;
  const header = Buffer.alloc(o + chunk + 4);
  readSync(fd, header, 0, header.length, pos);
  const body = header.subarray(0, o + chunk);
  if (lookup3(body) !== header.readUInt32LE(o + chunk)) return false;
  if (header.subarray(6, 22).every((byte) => byte === 0)) return false;
  header.fill(0, 6, 22);
  header.writeUInt32LE(lookup3(body), o + chunk);
  writeSync(fd, header, 0, header.length, pos);
  return true;
}

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Bob Jenkins' lookup3 hashlittle with initval 0, as HDF5's H5_checksum_lookup3. */
export function lookup3(data: Uint8Array): number {
  let length = data.length;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let k = 0;
  const word = (i: number): number =>
    data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
  while (length > 12) {
    a = (a + word(k)) | 0;
    b = (b + word(k + 4)) | 0;
    c = (c + word(k + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c >>> 0;
  // the last 1–12 bytes, little-endian into a, b, c (missing bytes count as zero)
  const tail = new Uint8Array(12);
  tail.set(data.subarray(k, k + length));
  const t = (i: number): number => tail[i] | (tail[i + 1] << 8) | (tail[i + 2] << 16) | (tail[i + 3] << 24);
  a = (a + t(0)) | 0;
  b = (b + t(4)) | 0;
  c = (c + t(8)) | 0;
  // final(a, b, c)
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
