/**
 * The WebAssembly kernels of the substep loops (assembly/cable-kernels.ts, built by `npm run build`
 * into dist/wasm/cable-kernels.wasm): found from the package root, compiled once per process and
 * instantiated per engine on a memory of that engine's size. When the file is absent (a checkout
 * not yet built) or NEUROTWIN_KERNELS=js, engines run the plain-JS loops, which give the same
 * results to the bit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/**
 * The kernels' exports; pointers are byte offsets into the engine's memory. `lanes` is the engine's
 * lane count: with 2 the kernels process a node's two lanes as one vector.
 */
/** The tree solve's signature (byte offsets into the kernels' memory; engine.ts solveWithKernels). */
type TreeSolveKernel = (
  n: number,
  v: number,
  cur: number,
  slope: number,
  diag: number,
  dv: number,
  parent: number,
  gAxial: number,
  cdt: number,
  gAxialSum: number,
  injection: number,
  childStart: number,
  childList: number,
  eliminationOrder: number,
  substitutionOrder: number,
  vScale: number,
) => void;

export interface CableKernels {
  leak(size: number, v: number, gLeak: number, eLeak: number, cur: number, slope: number): void;
  channel1Current(
    count: number,
    slots: number,
    gA: number,
    gate0: number,
    p0: number,
    v: number,
    e: number,
    cur: number,
    slope: number,
    lanes: number,
  ): void;
  channel2Current(
    count: number,
    slots: number,
    gA: number,
    gate0: number,
    gate1: number,
    p0: number,
    p1: number,
    v: number,
    e: number,
    cur: number,
    slope: number,
    lanes: number,
  ): void;
  channelCaCurrent(
    count: number,
    slots: number,
    gA: number,
    gbar: number,
    gate0: number,
    gate1: number,
    twoGates: number,
    p0: number,
    p1: number,
    v: number,
    e: number,
    cur: number,
    slope: number,
    iCa: number,
    gCa: number,
    lanes: number,
  ): void;
  channelPairCurrent(
    count: number,
    slots: number,
    v: number,
    cur: number,
    slope: number,
    gA0: number,
    x0: number,
    y0: number,
    p0: number,
    q0: number,
    e0: number,
    gA1: number,
    x1: number,
    y1: number,
    p1: number,
    q1: number,
    e1: number,
    lanes: number,
  ): void;
  channelCaPairCurrent(
    count: number,
    slots: number,
    v: number,
    cur: number,
    slope: number,
    iCa: number,
    gCa: number,
    e: number,
    gA0: number,
    gbar0: number,
    x0: number,
    y0: number,
    p0: number,
    q0: number,
    gA1: number,
    gbar1: number,
    x1: number,
    y1: number,
    p1: number,
    q1: number,
    lanes: number,
  ): void;
  channel1Advance(
    start: number,
    count: number,
    slots: number,
    v: number,
    table: number,
    vMin: number,
    vMax: number,
    invStep: number,
    gate0: number,
    lanes: number,
  ): number;
  channel2Advance(
    start: number,
    count: number,
    slots: number,
    v: number,
    table: number,
    vMin: number,
    vMax: number,
    invStep: number,
    gate0: number,
    gate1: number,
    lanes: number,
  ): number;
  bundleAdvance(
    start: number,
    count: number,
    slots: number,
    v: number,
    table: number,
    width: number,
    vMin: number,
    vMax: number,
    invStep: number,
    gates: number,
    nGates: number,
    lanes: number,
  ): number;
  skAdvance(
    start: number,
    count: number,
    slots: number,
    cai: number,
    table: number,
    limit: number,
    invStep: number,
    retain: number,
    z: number,
    lanes: number,
  ): number;
  nernstCa(count: number, slots: number, cai: number, eca: number, factor: number, caOut: number): void;
  caShellClear(count: number, slots: number, iCa: number, gCa: number, lanes: number): void;
  caShellAdvance(
    count: number,
    slots: number,
    cai: number,
    iCa: number,
    gCa: number,
    dv: number,
    retain: number,
    gain: number,
    minCai: number,
    halfStep: number,
    lanes: number,
  ): void;
  synapseCurrent(
    count: number,
    slots: number,
    a: number,
    b: number,
    gmax: number,
    e: number,
    v: number,
    cur: number,
    slope: number,
    lanes: number,
  ): void;
  synapseNmdaCurrent(
    start: number,
    count: number,
    slots: number,
    a: number,
    b: number,
    an: number,
    bn: number,
    gmax: number,
    e: number,
    v: number,
    cur: number,
    slope: number,
    table: number,
    vMin: number,
    vMax: number,
    invStep: number,
    lanes: number,
  ): number;
  synapseDecay(size: number, a: number, b: number, decayA: number, decayB: number, flush: number): void;
  solveOneLane: TreeSolveKernel;
  /** solveOneLane for two lanes in lockstep (a node's two lanes as one f64x2) */
  solveTwoLanes: TreeSolveKernel;
}

/** 'auto': the kernels when built (the default); 'wasm': required; 'js': the plain-JS loops. */
export type KernelChoice = 'auto' | 'wasm' | 'js';

/** The parts of the WebAssembly API used here (the Node types of this project do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const KERNEL_FILE = join('dist', 'wasm', 'cable-kernels.wasm');
const PAGE_BYTES = 65536;

/** The kernel file of the package this module belongs to (from src/ or dist/src/), if built. */
function kernelFile(): string | null {
  const file = join(packageRoot(), KERNEL_FILE);
  return existsSync(file) ? file : null;
}

/**
 * Whether a WebAssembly binary has a data section (id 11). The engine's arrays start at byte 0 of
 * the kernel memory, so the kernels must keep no static data there.
 */
export function hasDataSection(bytes: Uint8Array): boolean {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (id === 11) return true;
    at += size;
  }
  return false;
}

let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled === undefined) {
    const file = wasmApi ? kernelFile() : null;
    const bytes = file ? readFileSync(file) : null;
    if (bytes && hasDataSection(bytes)) {
      throw new Error(`${file}: the kernels have static data, which the engine's arrays would overwrite`);
    }
    compiled = bytes && wasmApi ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

/** Whether engines will use the kernels for this choice (throws for 'wasm' when they are not built). */
export function kernelsAvailable(choice: KernelChoice = 'auto'): boolean {
  if (choice !== 'auto' && choice !== 'wasm' && choice !== 'js') {
    throw new RangeError(`unknown kernels '${String(choice)}' (auto, wasm or js)`);
  }
  if (choice === 'js' || (choice === 'auto' && process.env.NEUROTWIN_KERNELS === 'js')) return false;
  const available = kernelModule() !== null;
  if (!available && choice === 'wasm') {
    throw new Error(`the WebAssembly kernels are not built (${KERNEL_FILE} missing: run npm run build)`);
  }
  return available;
}

/** A kernel instance on a fresh memory of at least `bytes` bytes. */
export function instantiateKernels(bytes: number): { kernels: CableKernels; buffer: ArrayBuffer } {
  const module = kernelModule();
  if (!module || !wasmApi) throw new Error('the WebAssembly kernels are not built');
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  // a maximum equal to the initial size: the memory never grows, so views on it stay valid
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages });
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return { kernels: instance.exports as CableKernels, buffer: memory.buffer };
}
