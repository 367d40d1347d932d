/**
 * NEURON as an independent oracle: builds the mechanisms of test/validation/mod on demand and runs
 * test/validation/neuron/run_protocol.py (Debian's /usr/bin/python3 with the `neuron` module) on a
 * CellDescription + ProtocolDescription. Used by the validation tests, `npm run validate` and
 * `neurotwin bench reference`. Nothing in the simulation path depends on it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  copyFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellDescription, ProtocolDescription } from './cells/description.js';
import { PatternGenerator } from '../inputs/paper-pattern.js';
import { l5pcPaperInputs } from '../inputs/presets.js';

export const NEURON_PYTHON = process.env.NEUROTWIN_NEURON_PYTHON ?? '/usr/bin/python3';

export interface NeuronRunResult {
  /** sample times, ms (0, recordEvery, ...) */
  t: number[];
  /** recorded traces by the names of protocol.record */
  traces: Record<string, number[]>;
  /** somatic spike peaks (spec §9.2 on the 8 kHz soma trace), ms */
  spikeTimes: number[];
  /** wall-clock seconds of finitialize + the run alone (cell building excluded) */
  wallSeconds: number;
  /** NEURON's time at the end of the run, ms */
  tEnd: number;
}

export interface NeuronSectionGeometry {
  name: string;
  L: number;
  nseg: number;
  /** seg.area() per segment, µm² */
  area: number[];
  /** seg.ri() per segment: axial resistance to the parent node, MΩ */
  ri: number[];
}

/** Steady states / time constants per mechanism, one value per requested voltage. */
export type NeuronGateTables = Record<string, Record<string, number[]>>;

export class NeuronOracleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NeuronOracleError';
  }
}

/** Repository root: the nearest ancestor of this file holding package.json (works from src/ and dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'validation', 'mod')))
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new NeuronOracleError('cannot find the repository root (test/validation/mod)');
    dir = up;
  }
}

export function validationPaths(): { modDir: string; harness: string; buildDir: string } {
  const root = repoRoot();
  return {
    modDir: join(root, 'test', 'validation', 'mod'),
    harness: join(root, 'test', 'validation', 'neuron', 'run_protocol.py'),
    buildDir: join(root, 'test', 'validation', 'build'),
  };
}

let availability: boolean | undefined;

/** True when Debian's Python can import NEURON and nrnivmodl is on PATH. */
export function neuronAvailable(): boolean {
  if (availability === undefined) {
    const py = spawnSync(NEURON_PYTHON, ['-c', 'import neuron'], { stdio: 'ignore', env: quietEnv() });
    const modl = spawnSync('sh', ['-c', 'command -v nrnivmodl'], { stdio: 'ignore' });
    availability = py.status === 0 && modl.status === 0;
  }
  return availability;
}

function quietEnv(): NodeJS.ProcessEnv {
  // An empty DISPLAY makes `import neuron` fail ("can't open DISPLAY"); unset it prints a harmless warning.
  const env = { ...process.env };
  if (env.DISPLAY === '') delete env.DISPLAY;
  return env;
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
  const { modDir, buildDir } = validationPaths();
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

async function callHarness<T>(request: unknown): Promise<T> {
  const { harness, buildDir } = validationPaths();
  const lib = ensureMechanisms();
  mkdirSync(buildDir, { recursive: true });
  // The request goes through a file so that the child reads it even while this thread is busy
  // (e.g. running our own engine on the same protocol).
  const requestDir = mkdtempSync(join(buildDir, '.request-'));
  const requestFile = join(requestDir, 'request.json');
  writeFileSync(requestFile, JSON.stringify(request));
  const cleanup = (): void => rmSync(requestDir, { recursive: true, force: true });
  return new Promise<T>((resolve, reject) => {
    // cwd without an x86_64/ folder, so NEURON does not auto-load a stale library
    const child = spawn(NEURON_PYTHON, [harness, '--mechlib', lib, requestFile], {
      cwd: buildDir,
      env: quietEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      cleanup();
      reject(new NeuronOracleError(`cannot start ${NEURON_PYTHON}: ${e.message}`));
    });
    child.on('close', (code) => {
      cleanup();
      const stderr = Buffer.concat(err)
        .toString('utf8')
        .split('\n')
        .filter((l) => !/DISPLAY|No graphics/.test(l))
        .join('\n')
        .trim();
      if (code !== 0) {
        reject(new NeuronOracleError(`NEURON harness exited with ${code}: ${stderr}`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      const start = text.indexOf('{');
      try {
        resolve(JSON.parse(text.slice(start)) as T);
      } catch {
        reject(new NeuronOracleError(`NEURON harness printed no JSON: ${text.slice(0, 300)} ${stderr}`));
      }
    });
  });
}

/** Run a protocol on a described cell in NEURON. */
export function runNeuron(cell: CellDescription, protocol: ProtocolDescription): Promise<NeuronRunResult> {
  return callHarness<NeuronRunResult>({ mode: 'run', cell, protocol });
}

/** NEURON's segment areas and axial resistances for a described cell. */
export async function neuronGeometry(cell: CellDescription): Promise<NeuronSectionGeometry[]> {
  const res = await callHarness<{ sections: NeuronSectionGeometry[] }>({ mode: 'geometry', cell });
  return res.sections;
}

/** Steady states and time constants of our NMODL mechanisms at the given voltages (mV). */
export async function neuronGateTables(voltages: number[]): Promise<NeuronGateTables> {
  const res = await callHarness<{ gates: NeuronGateTables }>({ mode: 'gates', voltages });
  return res.gates;
}

/** Several runs in one NEURON process (one start-up instead of many); each run builds its cell afresh. */
export async function runNeuronBatch(
  runs: { cell: CellDescription; protocol: ProtocolDescription }[],
): Promise<NeuronRunResult[]> {
  const res = await callHarness<{ results: NeuronRunResult[] }>({ mode: 'batch', runs });
  return res.results;
}

// ---------------------------------------------------------------------------------------------
// Protocols shared by the validation tests and the reference benchmark

/** Arc length of a section's 3-D points, µm. */
export function sectionLength(points: readonly (readonly [number, number, number, number])[]): number {
  let L = 0;
  for (let k = 1; k < points.length; k++) {
    const [x0, y0, z0] = points[k - 1];
    const [x1, y1, z1] = points[k];
    L += Math.hypot(x1 - x0, y1 - y0, z1 - z0);
  }
  return L;
}

/**
 * Input events of the paper's generator (spec §8) for a described L5PC: synapse lengths from the
 * compartments the excitatory synapses sit on, basal ids first. Events fall on integer ms.
 */
export function paperInputEvents(
  cell: CellDescription,
  dataset: 'nmda' | 'ampa',
  durationMs: number,
  seed: number,
): ProtocolDescription['events'] {
  const exc = cell.synapses.filter((s) => s.type === 'exc').sort((a, b) => a.id - b.id);
  if (exc.length === 0) throw new RangeError(`cell ${cell.cell} has no excitatory synapses`);
  exc.forEach((s, k) => {
    if (s.id !== k)
      throw new RangeError(`cell ${cell.cell}: excitatory synapse ids are not 0..${exc.length - 1}`);
  });
  const lengths = exc.map(
    (s) => sectionLength(cell.sections[s.section].points) / cell.sections[s.section].nseg,
  );
  const nBasal = exc.filter((s) => cell.sections[s.section].region === 'basal').length;
  const gen = new PatternGenerator(
    l5pcPaperInputs(lengths, nBasal, exc.length - nBasal, dataset),
    durationMs,
  );
  const pattern = gen.generate(seed);
  const pairs = (sp: { times: Int32Array; ids: Int32Array }): [number, number][] =>
    Array.from(sp.times, (t, k) => [sp.ids[k], t] as [number, number]);
  return { exc: pairs(pattern.exc), inh: pairs(pattern.inh) };
}

/** The paper's inputs on a described cell, soma recorded at 8 samples/ms (spec §9.1). */
export function paperInputProtocol(
  cell: CellDescription,
  dataset: 'nmda' | 'ampa',
  durationMs: number,
  seed: number,
  dt = 0.025,
  method: ProtocolDescription['method'] = 'backward-euler',
): ProtocolDescription {
  return {
    dt,
    tstop: durationMs,
    method,
    events: paperInputEvents(cell, dataset, durationMs, seed),
    iclamps: [],
    record: [{ name: 'soma', section: 0, x: 0.5 }],
    recordEvery: 0.125,
  };
}
