/**
 * NEURON as an independent oracle: runs run_protocol.py (Debian's /usr/bin/python3 with the `neuron`
 * module) on a CellDescription + ProtocolDescription with our NMODL mechanisms, on NEURON's fixed
 * step (the protocol's method and dt) or on its variable-step CVode. Used by the validation tests,
 * `npm run validate` and `neurotwin bench reference`. Nothing in the simulation path depends on it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellDescription, ProtocolDescription } from './exchange-format.js';
import { ensureMechanisms, NeuronOracleError, oraclePaths } from './mechanism-build.js';

export { NeuronOracleError, ensureMechanisms, oraclePaths } from './mechanism-build.js';

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
  /** CPU seconds of the Python process over the same span (less sensitive than wall time to other jobs) */
  cpuSeconds: number;
  /** NEURON's time at the end of the run, ms */
  tEnd: number;
}

/**
 * NEURON's variable-step integrator instead of the protocol's fixed step. CVode's error weight of a
 * state y is rtol·|y| + atol·scale (scale 1e-4 for [Ca]i, whose values are ~1e-4 mM; 1 otherwise).
 */
export interface CvodeSettings {
  atol: number;
  rtol: number;
}

export interface NeuronRunOptions {
  cvode?: CvodeSettings;
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

async function callHarness<T>(request: unknown): Promise<T> {
  const { harness, buildDir } = oraclePaths();
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

function checkCvode(cvode: CvodeSettings | undefined): void {
  if (cvode === undefined) return;
  for (const key of ['atol', 'rtol'] as const) {
    const x = cvode[key];
    if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`cvode.${key} must be ≥ 0, got ${x}`);
  }
  if (cvode.atol === 0 && cvode.rtol === 0) throw new RangeError('cvode: atol and rtol cannot both be 0');
}

/** Run a protocol on a described cell in NEURON. */
export function runNeuron(
  cell: CellDescription,
  protocol: ProtocolDescription,
  options: NeuronRunOptions = {},
): Promise<NeuronRunResult> {
  checkCvode(options.cvode);
  return callHarness<NeuronRunResult>({ mode: 'run', cell, protocol, cvode: options.cvode ?? null });
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
  runs: { cell: CellDescription; protocol: ProtocolDescription; cvode?: CvodeSettings }[],
): Promise<NeuronRunResult[]> {
  for (const r of runs) checkCvode(r.cvode);
  const res = await callHarness<{ results: NeuronRunResult[] }>({
    mode: 'batch',
    runs: runs.map((r) => ({ ...r, cvode: r.cvode ?? null })),
  });
  return res.results;
}
