/**
 * The TypeScript engine's half of the comparisons: the exported description of a named cell and
 * `runProtocol()` on a description. Loaded lazily so that the NEURON side (and its tests) work
 * while the engine's exporter is still being written; `null` means "not available yet".
 */
import type { CellDescription, ProtocolDescription } from '../../src/reference/cells/description.js';
import type { EngineRunner, TraceResult } from './cases.js';

export interface EngineSide {
  /** the CellDescription of a named cell ('l5pc-nmda', 'l5pc-ampa'), or null if unknown */
  describe(cell: string): Promise<CellDescription | null>;
  run: EngineRunner;
  /** where the engine came from, for reports */
  source: string;
}

type Loose = Record<string, unknown>;
type RunFn = (cell: CellDescription, protocol: ProtocolDescription) => TraceResult | Promise<TraceResult>;
type DescribeFn = (cell: string) => CellDescription | Promise<CellDescription>;

/** Modules (relative to this file) and export names where the engine's two entry points live. */
const RUN_CANDIDATES: [string, string][] = [
  ['../../src/reference/cells/run-protocol.js', 'runProtocol'],
  ['../../src/reference/cells/describe.js', 'runProtocol'],
  ['../../src/reference/cable/run-protocol.js', 'runProtocol'],
];
const DESCRIBE_CANDIDATES: [string, string][] = [
  ['../../src/reference/cells/describe.js', 'describeNamedCell'],
  ['../../src/reference/cells/describe.js', 'describeCell'],
];

async function findExport<T>(candidates: [string, string][]): Promise<{ fn: T; where: string } | null> {
  for (const [path, name] of candidates) {
    let mod: Loose;
    try {
      mod = (await import(path)) as Loose;
    } catch (err) {
      if (isMissingModule(err)) continue;
      throw err;
    }
    if (typeof mod[name] === 'function') return { fn: mod[name] as T, where: `${path}#${name}` };
  }
  return null;
}

function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  const msg = err instanceof Error ? err.message : String(err);
  return code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Could not locate module/.test(msg);
}

let cached: Promise<EngineSide | null> | undefined;

export function loadEngineSide(): Promise<EngineSide | null> {
  cached ??= (async () => {
    const run = await findExport<RunFn>(RUN_CANDIDATES);
    const describe = await findExport<DescribeFn>(DESCRIBE_CANDIDATES);
    if (!run || !describe) return null;
    return {
      source: `${run.where}, ${describe.where}`,
      run: (cell, protocol) => run.fn(cell, protocol),
      describe: async (cell) => {
        try {
          return await describe.fn(cell);
        } catch (err) {
          if (err instanceof RangeError) return null;
          throw err;
        }
      },
    };
  })();
  return cached;
}
