/**
 * Many streams of one twin stepped by the resident kernels: every stream's state (queues of future
 * outputs, rings of past rows, its clock) lives in one WebAssembly arena, slot b owning row b of
 * each array (of each position, in a ring), and a step runs each layer once over all slots.
 * Nothing moves per step but the input ids in and two floats per slot out; no layer's cost depends
 * on how far back it looks; the dense layers of large batches go through onnxruntime's MatMul.
 * Slots keep one clock (`phase`): a new slot starts on it and a slot that was held is turned back
 * onto it when it steps again, so that a step reads and writes each time-major ring at one
 * position (arena.ts). Same contract as ResidentBatch (the step graph in onnxruntime), whose
 * outputs these match to float rounding.
 */
import type { ConvConfig } from '../../surrogate/layers/conv.js';
import type { DepthwiseConvConfig } from '../../surrogate/layers/depthwise-conv.js';
import type { SynapticConvConfig } from '../../surrogate/layers/synaptic-conv.js';
import type { StepInput, StreamBatch } from '../stream-batch.js';
import type { StepModel } from '../step-model.js';
import { Arena, ArenaPlan } from './arena.js';
import { ConvRingStage } from './conv-ring.js';
import { DepthwiseRingStage, type DepthwisePaths } from './depthwise-ring.js';
import { HeadsStage } from './heads-stage.js';
import { MAX_BLOCK, type BatchRegions, type Region, type Stage, checkBins, chunkSlots } from './stage.js';
import { StepWeights } from './step-weights.js';
import { SynapticQueueStage } from './synaptic-queue.js';
import { twinKernelsBuilt } from './twin-wasm.js';

type KernelLayer = SynapticConvConfig | DepthwiseConvConfig | ConvConfig;

export interface KernelOptions {
  /** how depthwise layers are summed: 'auto' (see depthwise-ring.ts) or always the ring kernel (a baseline) */
  depthwise?: DepthwisePaths;
}

/** Why the kernels cannot run this model, or null when they can. */
export function kernelsUnsupported(model: StepModel): string | null {
  if (!twinKernelsBuilt()) return 'the twin kernels are not built (npm run build)';
  if (model.inputForm !== 'active')
    return "the step graph takes a dense input, not the spiking ids ('active')";
  const layers = model.manifest.architecture.params.layers as { kind?: unknown }[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) return 'the manifest lists no layers';
  for (const [i, l] of layers.entries()) {
    const kind = l?.kind;
    if (i === 0 ? kind !== 'synaptic-conv' : kind !== 'conv' && kind !== 'depthwise-conv') {
      return `layer ${i} is a '${String(kind)}', which the kernels do not run there`;
    }
  }
  return null;
}

/** Floats per (slot, bin) of the largest tap panel among the conv layers. */
function widestPanel(layers: KernelLayer[], nIn: number): number {
  let width = nIn;
  let widest = 0;
  for (const l of layers) {
    if (l.kind === 'conv' && l.kernel > 1) widest = Math.max(widest, l.kernel * width);
    width = l.kind === 'depthwise-conv' ? width * l.multiplier : l.filters;
  }
  return widest;
}

export class KernelBatch implements StreamBatch {
  readonly engine = 'kernels';
  private readonly plan = new ArenaPlan();
  private readonly io: BatchRegions;
  private readonly stages: Stage[] = [];
  private readonly heads: HeadsStage;
  private readonly nIn: number;
  private readonly scratchBytesPerRow: number;
  private arena: Arena;
  private slots = 0;
  // views on the arena (remade when it is rebuilt)
  private clockView!: Uint32Array;
  private offsetsView!: Uint32Array;
  private idsView!: Uint32Array;
  private idleView!: Uint8Array;
  private voltageView!: Float32Array;
  private probView!: Float32Array;
  /** per synapse, the step at which it was last seen (dedupes a slot's ids without clearing) */
  private readonly seenAt: Uint32Array;
  private stamp = 0;
  /** bins stepped by the batch (u32): every slot's clock once it is on it */
  private phase = 0;

  constructor(
    readonly model: StepModel,
    initialCapacity = 64,
    options: KernelOptions = {},
  ) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1)
      throw new Error(`initial capacity must be a positive integer, got ${initialCapacity}`);
    const why = kernelsUnsupported(model);
    if (why) throw new Error(`${model.manifest.id}: ${why}`);
    this.nIn = model.nInputs;
    this.seenAt = new Uint32Array(this.nIn);
    const plan = this.plan;
    this.io = {
      clock: plan.state(4),
      idle: plan.scratch(1),
      offsets: plan.scratch(4 * MAX_BLOCK, 4),
      ids: plan.scratch(0, 4 * 1024),
    };
    const weights = StepWeights.read(model.stepPath);
    const layers = model.manifest.architecture.params.layers as KernelLayer[];
    const panel = plan.scratch(4 * MAX_BLOCK * widestPanel(layers, this.nIn));
    let width = this.nIn;
    let rows: Region | null = null;
    layers.forEach((l, i) => {
      const prefix = `layer${i}`;
      let stage: Stage;
      if (l.kind === 'synaptic-conv')
        stage = new SynapticQueueStage(plan, this.io, l, this.nIn, weights, prefix);
      else if (l.kind === 'depthwise-conv')
        stage = new DepthwiseRingStage(
          plan,
          this.io,
          l,
          width,
          rows as Region,
          weights,
          prefix,
          model.threads,
          options.depthwise ?? 'auto',
        );
      else
        stage = new ConvRingStage(
          plan,
          this.io,
          l,
          width,
          rows as Region,
          panel,
          weights,
          prefix,
          model.threads,
        );
      this.stages.push(stage);
      width = stage.width;
      rows = stage.out;
    });
    this.heads = new HeadsStage(plan, width, rows as unknown as Region, weights);
    this.arena = Arena.build(plan, initialCapacity);
    this.scratchBytesPerRow =
      plan.regions.reduce((sum, r) => sum + (r.kind === 'scratch' ? r.bytesPerSlot : 0), 0) / MAX_BLOCK;
    this.makeViews();
  }

  get size(): number {
    return this.slots;
  }

  get capacity(): number {
    return this.arena.capacity;
  }

  get voltage(): Float32Array {
    return this.voltageView;
  }

  get spikeProb(): Float32Array {
    return this.probView;
  }

  addSlot(): number {
    if (this.slots === this.arena.capacity) this.rebuild(this.arena.capacity * 2);
    const slot = this.slots++;
    this.arena.zeroSlot(slot);
    // a slot at rest is the same at any clock: start it on the batch's
    this.clockView[slot] = this.phase;
    for (const s of this.stages) s.slotAdded?.(this.arena, slot);
    return slot;
  }

  removeSlot(slot: number): number {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots)
      throw new RangeError(`slot ${slot} is not in [0, ${this.slots})`);
    const last = --this.slots;
    if (last !== slot) this.arena.moveSlot(last, slot);
    return last;
  }

  readonly maxBins = MAX_BLOCK;

  /** Runs synchronously (the whole step is WebAssembly and onnxruntime calls); errors reject. */
  step(input: StepInput, idle: Uint8Array | null = null, bins = 1): Promise<void> {
    try {
      this.stepSync(input, idle, bins);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  dispose(): Promise<void> {
    for (const s of this.stages) s.dispose?.();
    return Promise.resolve();
  }

  /** step(), returning when it is done and throwing what it would reject with. */
  stepSync(input: StepInput, idle: Uint8Array | null, bins: number): void {
    const n = this.slots;
    if (n === 0) return;
    checkBins(bins);
    this.writeInput(input, idle, n * bins);
    this.rejoinPhase(n);
    const arena = this.arena;
    const chunk = chunkSlots(bins, this.scratchBytesPerRow);
    for (let first = 0; first < n; first += chunk) {
      const m = Math.min(chunk, n - first);
      for (const stage of this.stages) stage.step(arena, m, bins, first);
      this.heads.step(arena, m * bins, first * bins);
    }
    arena.kernels.advance(n, bins, this.io.clock.offset, this.io.idle.offset);
    this.phase = (this.phase + bins) >>> 0;
  }

  /** Slots stepping now that were held while the batch stepped: turned onto the batch's clock. */
  private rejoinPhase(n: number): void {
    const clocks = this.clockView;
    const idle = this.idleView;
    const phase = this.phase;
    for (let b = 0; b < n; b++) {
      if (idle[b] || clocks[b] === phase) continue;
      this.arena.rotateSlot(b, phase - clocks[b]);
      clocks[b] = phase;
      for (const s of this.stages) s.clockMoved?.(this.arena, b);
    }
  }

  /**
   * Distinct ids per row ((slot, bin) pairs, `rows` of them) into the arena's CSR, checked before
   * any state changes; then the slots' idle flags.
   */
  private writeInput(input: StepInput, idle: Uint8Array | null, rows: number): void {
    const { offsets, ids } = input;
    const total = offsets[rows] - offsets[0];
    if (total > this.idsView.length) {
      this.io.ids.fixedBytes = 4 * Math.max(total, 2 * this.idsView.length);
      this.rebuild(this.arena.capacity);
    }
    const out = this.idsView;
    const at = this.offsetsView;
    const seen = this.seenAt;
    const nIn = this.nIn;
    let k = 0;
    for (let b = 0; b < rows; b++) {
      at[b] = k;
      if (++this.stamp === 0xffffffff) {
        seen.fill(0);
        this.stamp = 1;
      }
      const stamp = this.stamp;
      for (let j = offsets[b]; j < offsets[b + 1]; j++) {
        const id = ids[j];
        if (id >= nIn) throw new RangeError(`synapse id ${id} is not in [0, ${nIn})`);
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        out[k++] = id;
      }
    }
    at[rows] = k;
    const n = this.slots;
    const flags = this.idleView;
    if (idle) for (let b = 0; b < n; b++) flags[b] = idle[b];
    else flags.fill(0, 0, n);
  }

  private rebuild(capacity: number): void {
    this.arena = this.arena.rebuild(capacity, this.slots);
    this.makeViews();
  }

  private makeViews(): void {
    const a = this.arena;
    const cap = a.capacity;
    this.clockView = a.u32(this.io.clock, cap);
    this.offsetsView = a.u32(this.io.offsets, cap * MAX_BLOCK + 1);
    this.idsView = a.u32(this.io.ids, this.io.ids.fixedBytes / 4);
    this.idleView = a.u8(this.io.idle, cap);
    this.voltageView = a.f32(this.heads.voltage, cap * MAX_BLOCK);
    this.probView = a.f32(this.heads.prob, cap * MAX_BLOCK);
  }
}
