/**
 * Command-line handling shared by the benchmark scripts: `--help` prints the script's usage, and a
 * bad argument or a failure prints one line naming the problem (no stack trace), exit code 2 / 1.
 */
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const script = basename(process.argv[1] ?? 'benchmark', '.js');

/** Prints `message` and exits: 2 for usage errors, 1 for failures. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(code);
}

/**
 * Parses the script's arguments: options as declared (strict), at most `maxPositionals` positionals;
 * `--help`/`-h` prints `usage` and exits 0. Uncaught errors later in the script print one line too.
 */
export function scriptArgs<O extends Options>(
  usage: string,
  options: O,
  maxPositionals = 0,
): {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  positionals: string[];
} {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  process.on('uncaughtException', (err) => fail(err.message, 1));
  process.on('unhandledRejection', (err) => fail(err instanceof Error ? err.message : String(err), 1));
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > maxPositionals)
      fail(`unexpected argument '${parsed.positionals[maxPositionals]}' (see --help)`);
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (err) {
    fail(`${(err as Error).message} (see --help)`);
  }
}

/** A numeric argument: `fallback` when absent, else a finite number ≥ min (an integer if asked). */
export function numberArg(
  name: string,
  text: string | undefined,
  fallback: number,
  opts: { min?: number; integer?: boolean } = {},
): number {
  if (text === undefined) return fallback;
  const x = text.trim() === '' ? NaN : Number(text);
  const min = opts.min ?? -Infinity;
  if (!Number.isFinite(x) || x < min || (opts.integer && !Number.isInteger(x)))
    fail(
      `${name} must be ${opts.integer ? 'an integer' : 'a number'}${Number.isFinite(min) ? ` ≥ ${min}` : ''}, got '${text}'`,
    );
  return x;
}
