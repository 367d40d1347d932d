import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { InputRecord } from '../core/input-record.js';
import type { Trial } from './trial.js';

/**
 * One finished trial on disk while a dataset is being generated (FILE.h5.parts/trial-NNNNNNN.part):
 * "NTPART01", a little-endian uint32 header length, the JSON header, zero padding to 8 bytes,
 * then the typed arrays back to back, each padded to 8 bytes. Written to a temporary name and
 * renamed, so a part file that exists is complete.
 */
const MAGIC = 'NTPART01';

type ArrayName =
  | 'excTimes'
  | 'excIds'
  | 'inhTimes'
  | 'inhIds'
  | 'somaVoltage'
  | 'spikeTimes'
  | 'spikeLabels'
  | 'dendriticVoltage';
const KINDS: Record<ArrayName, 'i32' | 'f32' | 'f64' | 'u8'> = {
  excTimes: 'i32',
  excIds: 'i32',
  inhTimes: 'i32',
  inhIds: 'i32',
  somaVoltage: 'f32',
  spikeTimes: 'f64',
  spikeLabels: 'u8',
  dendriticVoltage: 'f32',
};

const pad8 = (n: number): number => (n + 7) & ~7;

export function encodeTrial(trial: Trial): Buffer {
  const arrays: Partial<Record<ArrayName, ArrayBufferView>> = {
    excTimes: trial.exc.times,
    excIds: trial.exc.ids,
    inhTimes: trial.inh.times,
    inhIds: trial.inh.ids,
    somaVoltage: trial.somaVoltage,
    spikeTimes: trial.spikeTimes,
    spikeLabels: trial.spikeLabels,
  };
  // optional arrays come last, so that parts without them keep the original layout
  if (trial.dendriticVoltage) arrays.dendriticVoltage = trial.dendriticVoltage;
  const lengths = Object.fromEntries(
    Object.entries(arrays).map(([k, a]) => [k, (a as unknown as ArrayLike<number>).length]),
  );
  const header = Buffer.from(
    JSON.stringify({
      seed: trial.seed,
      durationMs: trial.durationMs,
      nExc: trial.nExc,
      nInh: trial.nInh,
      generator: trial.generator,
      lengths,
    }),
    'utf8',
  );
  const headerEnd = pad8(MAGIC.length + 4 + header.length);
  let total = headerEnd;
  for (const a of Object.values(arrays)) total += pad8(a.byteLength);
  const buf = Buffer.alloc(total);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, MAGIC.length);
  header.copy(buf, MAGIC.length + 4);
  let offset = headerEnd;
  for (const a of Object.values(arrays)) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, offset);
    offset += pad8(a.byteLength);
  }
  return buf;
}

export function decodeTrial(buf: Buffer, source = 'trial part'): Trial {
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
    throw new Error(`${source}: not a trial part file`);
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as {
    seed: number;
    durationMs: number;
    nExc: number;
    nInh: number;
    generator: InputRecord;
    lengths: Partial<Record<ArrayName, number>>;
  };
  let offset = pad8(MAGIC.length + 4 + headerLength);
  const take = (name: ArrayName): ArrayBufferView => {
    const n = header.lengths[name];
    if (n === undefined) throw new Error(`${source}: no array '${name}'`);
    const kind = KINDS[name];
    const bytes = n * (kind === 'f64' ? 8 : kind === 'u8' ? 1 : 4);
    if (offset + bytes > buf.length) throw new Error(`${source}: truncated at '${name}'`);
    // copy into a fresh aligned buffer
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(offset, offset + bytes));
    offset += pad8(bytes);
    if (kind === 'i32') return new Int32Array(copy.buffer);
    if (kind === 'f32') return new Float32Array(copy.buffer);
    if (kind === 'f64') return new Float64Array(copy.buffer);
    return copy;
  };
  const excTimes = take('excTimes') as Int32Array;
  const excIds = take('excIds') as Int32Array;
  const inhTimes = take('inhTimes') as Int32Array;
  const inhIds = take('inhIds') as Int32Array;
  const trial: Trial = {
    seed: header.seed,
    durationMs: header.durationMs,
    nExc: header.nExc,
    nInh: header.nInh,
    exc: { times: excTimes, ids: excIds },
    inh: { times: inhTimes, ids: inhIds },
    somaVoltage: take('somaVoltage') as Float32Array,
    spikeTimes: take('spikeTimes') as Float64Array,
    spikeLabels: take('spikeLabels') as Uint8Array,
    generator: header.generator,
  };
  if (header.lengths.dendriticVoltage !== undefined) {
    trial.dendriticVoltage = take('dendriticVoltage') as Float32Array;
  }
  return trial;
}

export function writeTrialPart(path: string, trial: Trial): void {
  writeFileAtomic(path, encodeTrial(trial));
}

export function readTrialPart(path: string): Trial {
  return decodeTrial(readFileSync(path), path);
}
