/**
 * Where the NEURON oracle's files live and how its mechanisms are built: the NMODL files (mod/) and
 * the Python builder (run_protocol.py) sit beside this module in src/reference/neuron-oracle/ and
 * are found from the package root, so the compiled oracle in dist/ finds them too. nrnivmodl builds
 * them into build/neuron-mechanisms/<content hash>/ under the package root (ignored by git), or
 * under $NEUROTWIN_NEURON_BUILD when set.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export class NeuronOracleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeuronOracleError';
  }
}

export interface OraclePaths {
  /** the NMODL files of our mechanisms */
  modDir: string;
  /** the Python program that builds a described cell in NEURON and runs a protocol */
  harness: string;
  /** where compiled mechanisms (and request files) go */
  buildDir: string;
}

const ASSETS = join('src', 'reference', 'neuron-oracle');

/** The package root: the nearest ancestor of this module holding package.json (from src/ and dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, ASSETS, 'mod'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new NeuronOracleError(`cannot find the package root holding ${join(ASSETS, 'mod')}`);
    dir = up;
  }
}

export function oraclePaths(): OraclePaths {
  const root = packageRoot();
  return {
    modDir: join(root, ASSETS, 'mod'),
    harness: join(root, ASSETS, 'run_protocol.py'),
    buildDir: process.env.NEUROTWIN_NEURON_BUILD ?? join(root, 'build', 'neuron-mechanisms'),
  };
}

/** Content hash of the .mod files: the build cache key. */
function modHash(modDir: string): { hash: string; files: string[] } {
  const files = readdirSync(modDir)
    .filter((f) => f.endsWith('.mod'))
    .sort();
  if (files.length === 0) throw new NeuronOracleError(`no .mod files in ${modDir}`);
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f);
    hash.update('\0');
    hash.update(readFileSync(join(modDir, f)));
    hash.update('\0');
  }
  return { hash: hash.digest('hex').slice(0, 16), files };
}

/**
 * Path of libnrnmech.so for the current .mod files, compiling them first if this content has not
 * been built yet. The build happens in a temporary folder renamed into place, so an interrupted
 * build never leaves a half-built cache entry.
 */
export function ensureMechanisms(): string {
  const { modDir, buildDir } = oraclePaths();
  const { hash, files } = modHash(modDir);
  const target = join(buildDir, hash);
  const lib = join(target, 'x86_64', 'libnrnmech.so');
  if (existsSync(lib)) return lib;
  if (!existsSync('/usr/bin/nrnmech_makefile') && existsSync('/usr/lib/nrn/nrnmech_makefile')) {
    throw new NeuronOracleError(
      "Debian's nrnivmodl needs its makefile on PATH: ln -sf /usr/lib/nrn/nrnmech_makefile /usr/bin/nrnmech_makefile",
    );
  }
  mkdirSync(buildDir, { recursive: true });
  const tmp = mkdtempSync(join(buildDir, `.tmp-${hash}-`));
  try {
    for (const f of files) copyFileSync(join(modDir, f), join(tmp, f));
    // `special` fails to link on Debian (missing InterViews headers); libnrnmech.so is what we need.
    const res = spawnSync('nrnivmodl', ['-loadflags', '-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn', '.'], {
      cwd: tmp,
      encoding: 'utf8',
    });
    const built = join(tmp, 'x86_64', 'libnrnmech.so');
    if (!existsSync(built)) {
      throw new NeuronOracleError(
        `nrnivmodl failed to build libnrnmech.so:\n${(res.stdout ?? '') + (res.stderr ?? '')}`,
      );
    }
    try {
      renameSync(tmp, target);
    } catch (err) {
      // another process won the race: its build is identical
      if (!existsSync(lib)) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return lib;
}
