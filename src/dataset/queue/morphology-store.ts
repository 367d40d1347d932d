/**
 * A run's morphology file travels through Redis by content: the generating side stores the file's
 * bytes once under neurotwin:morphology:SHA256, every job names that hash, and a worker keeps a
 * verified copy in a local cache folder (the readers choose the format by extension, so the copy
 * keeps the original's). A worker that finds no such key refuses the job.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { KEY_TTL_SECONDS, morphologyKey, TrialRefusal } from './trial-job.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Uploads a morphology file (or refreshes its expiry); returns what a job names it by. */
export async function publishMorphology(
  redis: Redis,
  path: string,
): Promise<{ name: string; sha256: string }> {
  const bytes = readFileSync(path);
  const ref = { name: basename(path), sha256: sha256(bytes) };
  await redis.set(morphologyKey(ref.sha256), bytes, 'EX', KEY_TTL_SECONDS);
  return ref;
}

/** Local, verified copy of a job's morphology: its path (fetched from Redis the first time). */
export async function fetchMorphology(
  redis: Redis,
  ref: { name: string; sha256: string },
  cacheDir = join(tmpdir(), 'neurotwin-morphologies'),
): Promise<string> {
  const path = join(cacheDir, `${ref.sha256}${extname(ref.name).toLowerCase()}`);
  if (existsSync(path)) return path;
  const bytes = await redis.getBuffer(morphologyKey(ref.sha256));
  if (!bytes)
    throw new TrialRefusal(
      `morphology ${ref.name} (sha256 ${ref.sha256.slice(0, 12)}…) is not in Redis; the generating command uploads it when it starts, rerun it`,
    );
  if (sha256(bytes) !== ref.sha256)
    throw new TrialRefusal(`morphology ${ref.name} in Redis does not match its sha256`);
  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(path, bytes);
  return path;
}
