import { checkSeed, mix32 } from '../core/rng.js';

/**
 * Seed of trial `index` of a dataset with base seed `baseSeed`: a hash of both, so it depends on
 * nothing else (not the worker count nor the order trials finish in).
 */
export function trialSeed(baseSeed: number, index: number): number {
  checkSeed(baseSeed, 'base seed');
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`trial index must be a non-negative integer, got ${index}`);
  return mix32((mix32(baseSeed) ^ Math.imul(index + 1, 0x27d4eb2f)) >>> 0);
}
