/**
 * The twins' WebAssembly kernels (assembly/twin-kernels.ts, built by `npm run build` into
 * dist/wasm/twin-kernels.wasm): compiled once per process, instantiated once per batch arena on a
 * memory of fixed size (it never grows, so views on it stay valid for the arena's life).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/** Pointers are byte offsets into the arena's memory. */
export interface TwinKernels {
  heapBase(): number;
  synapticStep(
    n: number,
    T: number,
    k: number,
    F: number,
    L: number,
    table: number,
    bias: number,
    act: number,
    offsets: number,
    ids: number,
    idle: number,
    clock: number,
    queue: number,
    out: number,
  ): void;
  ringPush(
    n: number,
    T: number,
    C: number,
    L: number,
    S: number,
    clock: number,
    x: number,
    ring: number,
  ): void;
  depthwiseStep(
    n: number,
    T: number,
    k: number,
    C: number,
    M: number,
    L: number,
    S: number,
    clock: number,
    ring: number,
    taps: number,
    bias: number,
    act: number,
    out: number,
  ): void;
  depthwiseWindows(
    n: number,
    T: number,
    k: number,
    C: number,
    L: number,
    S: number,
    clock: number,
    ring: number,
    A: number,
  ): void;
  depthwisePeriodsDue(
    n: number,
    T: number,
    P: number,
    clock: number,
    idle: number,
    tags: number,
    list: number,
  ): number;
  depthwisePeriodWindows(
    count: number,
    list: number,
    k: number,
    C: number,
    L: number,
    S: number,
    P: number,
    tags: number,
    ring: number,
    A: number,
  ): void;
  depthwisePeriodRows(
    count: number,
    list: number,
    P: number,
    C: number,
    M: number,
    S: number,
    Z: number,
    zeros: number,
    Q: number,
  ): void;
  depthwiseAddPeriod(
    n: number,
    T: number,
    width: number,
    P: number,
    S: number,
    clock: number,
    tags: number,
    Q: number,
    act: number,
    out: number,
  ): void;
  depthwiseRows(
    n: number,
    T: number,
    TZ: number,
    C: number,
    M: number,
    Z: number,
    bias: number,
    act: number,
    out: number,
  ): void;
  gatherTaps(
    n: number,
    T: number,
    k: number,
    C: number,
    d: number,
    L: number,
    S: number,
    clock: number,
    ring: number,
    panel: number,
  ): void;
  dense(n: number, K: number, F: number, x: number, w: number, bias: number, act: number, y: number): void;
  heads(
    n: number,
    H: number,
    h: number,
    ws: number,
    bs: number,
    wv: number,
    bv: number,
    prob: number,
    volt: number,
  ): void;
  advance(n: number, T: number, clock: number, idle: number): void;
  ringRotate(r: number, posBytes: number, L: number, rowBytes: number, shift: number, spare: number): void;
}

/** The parts of the WebAssembly API used here (the Node types of this project do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number }) => { readonly buffer: ArrayBuffer };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export const TWIN_KERNEL_FILE = join('dist', 'wasm', 'twin-kernels.wasm');
const PAGE_BYTES = 65536;

let compiled: object | null | undefined;

function twinModule(): object | null {
  if (compiled === undefined) {
    const file = join(packageRoot(), TWIN_KERNEL_FILE);
    compiled = wasmApi && existsSync(file) ? new wasmApi.Module(readFileSync(file)) : null;
  }
  return compiled;
}

/** Whether the twin kernels are built (and WebAssembly is there to run them). */
export function twinKernelsBuilt(): boolean {
  return twinModule() !== null;
}

/** An instance on a fresh memory of at least `bytes` bytes. */
export function instantiateTwinKernels(bytes: number): { kernels: TwinKernels; buffer: ArrayBuffer } {
  const module = twinModule();
  if (!module || !wasmApi)
    throw new Error(`the twin kernels are not built (${TWIN_KERNEL_FILE}: run npm run build)`);
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages });
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return { kernels: instance.exports as TwinKernels, buffer: memory.buffer };
}

/** Where an arena's arrays may start: above the module's static data (its math tables). */
let heapBase: number | undefined;

export function twinHeapBase(): number {
  heapBase ??= instantiateTwinKernels(PAGE_BYTES).kernels.heapBase();
  return heapBase;
}
