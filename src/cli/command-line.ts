/** The command line of this process as a reproducible shell string (recorded in manifests). */
export function currentCommand(): string {
  const args = process.argv
    .slice(2)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return ['npx neurotwin', ...args].join(' ');
}

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

export function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
    return n;
  };
}

export function positiveNumber(name: string, allowZero = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
      throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${v}'`);
    return n;
  };
}
