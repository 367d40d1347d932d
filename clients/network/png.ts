/**
 * A minimal PNG encoder (8-bit greyscale, no interlace) on node:zlib: signature, IHDR, one IDAT
 * of deflated scanlines (filter type 0 on every row), IEND; each chunk with its CRC-32.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `pixels`: width x height grey levels, row-major, 0 black .. 255 white. */
export function encodeGreyPng(width: number, height: number, pixels: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RangeError(`PNG size must be positive integers, got ${width} x ${height}`);
  if (pixels.length !== width * height)
    throw new RangeError(`PNG of ${width} x ${height} needs ${width * height} pixels, got ${pixels.length}`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A spike raster: one row per neuron (rows of several populations stacked, a grey line between
 * them), one column per `msPerPixel` ms; a black pixel where the neuron spiked.
 */
export function rasterPng(
  populations: { size: number; times: ArrayLike<number>; neurons: ArrayLike<number> }[],
  durationMs: number,
  msPerPixel = 1,
): Buffer {
  const width = Math.max(1, Math.ceil(durationMs / msPerPixel));
  const height = populations.reduce((a, p) => a + p.size, 0) + populations.length - 1;
  const px = new Uint8Array(width * height).fill(255);
  let row0 = 0;
  populations.forEach((p, k) => {
    for (let i = 0; i < p.times.length; i++) {
      const x = Math.floor(p.times[i] / msPerPixel);
      if (x < width) px[(row0 + p.neurons[i]) * width + x] = 0;
    }
    row0 += p.size;
    if (k < populations.length - 1) px.fill(160, row0 * width, (row0 + 1) * width);
    row0 += 1;
  });
  return encodeGreyPng(width, height, px);
}
