/** Helpers shared by the sub-commands: strict parsers for numeric options, the recorded command line. */
import { relativePath } from '../core/command-line.js';

/** An integer option in [min, max] (commander passes strings; '1e3', '2.0' and '' are refused). */
export function parseInteger(
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value: string): number => {
    const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be an integer in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

export const positiveInt = (name: string): ((v: string) => number) => parseInteger(name, 1);
export const nonNegativeInt = (name: string): ((v: string) => number) => parseInteger(name, 0);

export function positiveNumber(name: string, allowZero = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
      throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${v}'`);
    return n;
  };
}

/**
 * The command line of this process as a reproducible shell string (recorded in datasets and
 * manifests): paths inside the working directory are written relative to it, so that the command
 * reruns from another checkout.
 */
export function currentCommand(): string {
  const args = process.argv
    .slice(2)
    .map((a) => relativePath(a))
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return ['npx neurotwin', ...args].join(' ');
}
