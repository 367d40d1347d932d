/**
 * Recorded command lines (datasets, manifests) are meant to be rerun from a checkout's root:
 * absolute paths inside the working directory are written relative to it.
 */
import { isAbsolute, relative, sep } from 'node:path';

export function relativePath(arg: string, cwd = process.cwd()): string {
  return isAbsolute(arg) && arg.startsWith(cwd + sep) ? relative(cwd, arg) : arg;
}

/** A recorded shell command with its absolute paths under `cwd` made relative (tokens split on spaces). */
export function relativeCommand(command: string, cwd = process.cwd()): string {
  return command
    .split(' ')
    .map((t) => relativePath(t, cwd))
    .join(' ');
}
