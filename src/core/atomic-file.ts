/**
 * The one atomic file writer: readers see either the old content or the complete new one, never a
 * partial file. The data goes to a temporary name in the same folder (same file system, so the
 * rename is atomic) and is renamed over the target; on any failure the temporary file is removed and
 * the error names the target and the problem in one line. The folder must exist: a missing folder is
 * reported, not created, so a typo in an output path does not grow a directory tree.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Temporary files of interrupted writes end in this (`<target>.tmp-<pid>-<random>`). */
export const TEMP_MARK = '.tmp-';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeThroughTemporary(file, (temp) => writeFileSync(temp, data));
}

/**
 * The same protocol for writers that need a path of their own (HDF5 through h5wasm): `write` fills
 * the temporary file, which then replaces `file`; on failure it is removed.
 */
export function writeThroughTemporary<T>(file: string, write: (temp: string) => T): T {
  const temp = temporaryPath(file);
  try {
    const result = write(temp);
    commitTemporary(temp, file);
    return result;
  } catch (err) {
    discardTemporary(temp);
    throw err instanceof Error && err.message.startsWith(`cannot write ${file}`)
      ? err
      : new Error(`cannot write ${file}: ${describeFsError(err)}`);
  }
}

/** A fresh temporary name beside `file` (whose folder must exist), for writers that stay open a while. */
export function temporaryPath(file: string): string {
  const folder = dirname(file);
  if (!existsSync(folder)) throw new Error(`cannot write ${file}: folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new Error(`cannot write ${file}: ${folder} is not a folder`);
  return `${file}${TEMP_MARK}${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Puts a finished temporary file in place of `file` (atomic: same folder). */
export function commitTemporary(temp: string, file: string): void {
  try {
    renameSync(temp, file);
  } catch (err) {
    discardTemporary(temp);
    throw new Error(`cannot write ${file}: ${describeFsError(err)}`);
  }
}

export function discardTemporary(temp: string): void {
  rmSync(temp, { force: true });
}

/** A file-system error as a short phrase ("permission denied", ...) instead of a raw errno line. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
