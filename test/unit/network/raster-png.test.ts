import { describe, it, expect } from '@jest/globals';
import { inflateSync } from 'node:zlib';
import { crc32, encodeGreyPng, rasterPng } from '../../../clients/network/png.js';

/** Reads back what encodeGreyPng writes: chunk list (CRCs checked) and the pixels. */
function decode(png: Buffer): { width: number; height: number; pixels: Uint8Array; types: string[] } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const types: string[] = [];
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[10], data[11], data[12]]).toEqual([8, 0, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { width, height, pixels, types };
}

describe('PNG raster', () => {
  it('has the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('encodes grey pixels that read back unchanged', () => {
    const px = Uint8Array.from({ length: 7 * 3 }, (_, i) => (i * 37) % 256);
    const d = decode(encodeGreyPng(7, 3, px));
    expect(d.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([d.width, d.height]).toEqual([7, 3]);
    expect(Array.from(d.pixels)).toEqual(Array.from(px));
  });

  it('draws one black pixel per spike, populations separated by a grey row', () => {
    const png = rasterPng(
      [
        { size: 2, times: [0, 5], neurons: [1, 0] },
        { size: 1, times: [9], neurons: [0] },
      ],
      10,
    );
    const d = decode(png);
    expect([d.width, d.height]).toEqual([10, 4]);
    const black = Array.from(d.pixels).flatMap((v, i) => (v === 0 ? [[i % 10, Math.floor(i / 10)]] : []));
    expect(black).toEqual([
      [5, 0],
      [0, 1],
      [9, 3],
    ]);
    expect(Array.from(d.pixels.subarray(20, 30))).toEqual(new Array<number>(10).fill(160));
  });

  it('refuses a pixel count that does not match the size', () => {
    expect(() => encodeGreyPng(2, 2, new Uint8Array(3))).toThrow('needs 4 pixels, got 3');
  });
});
