/**
 * A network of neuron twins (and, for small sizes, reference cells), shaped like PyNN / Brian2 /
 * NEST scripts: create populations, connect them with projections, add external drive, record,
 * then run(duration). Time advances in 1-ms bins; every population is stepped once per bin (all
 * twins of a population in one onnxruntime run), and each spike of bin k is routed to arrive at its
 * targets in bin k + delay.
 *
 *   const net = new Network({ seed: 1 });
 *   const exc = await net.twins('exc', { model: 'if-paper', size: 1000 });
 *   net.connect(exc, exc, { rule: { kind: 'fixed-probability', p: 0.01 }, synapse: 'exc', delay: [1, 5] });
 *   net.drive(exc, { kind: 'paper' });
 *   net.recordSpikes(exc);
 *   const r = await net.run(1000);
 *   await net.write('run.h5');
 *
 * A reference cell with an output delay (compartmental cells: 1 bin) reports bin k only after
 * stepping bin k + 1; its spikes are then routed from bin k, but never earlier than the next bin to
 * be stepped (counted in `lateEvents`).
 */
import { StepModel } from '../inference/step-model.js';
import { createNeuron, type CellOptions } from '../reference/cells/registry.js';
import { ModelRegistry, defaultModelsDir, type RegisteredModel } from '../registry/registry.js';
import { makeDrive, type Drive, type DriveSpec } from './drive.js';
import { EventList, StepInputBuilder } from './events.js';
import { writeNetworkFile } from './network-file.js';
import { ReferencePopulation, TwinPopulation, type PopulationKind } from './population.js';
import { Projection, type ProjectionSpec } from './projection.js';
import { SpikeRecorder, VoltageRecorder } from './recorders.js';

export interface Population {
  readonly name: string;
  readonly size: number;
  readonly kind: PopulationKind;
  readonly nExc: number;
  readonly nInh: number;
}

interface PopulationState extends Population {
  readonly input: StepInputBuilder;
  /** this bin's drive events */
  readonly driveEvents: EventList;
  readonly drives: Drive[];
  /** ring of pending synaptic events, slot (bin % ring length) */
  ring: EventList[];
  readonly outgoing: Projection[];
  spikeRecorder: SpikeRecorder | null;
  voltageRecorder: VoltageRecorder | null;
  spikes: number;
}

export interface RunResult {
  simulatedMs: number;
  wallSeconds: number;
  /** simulated time / wall time */
  realTimeFactor: number;
  /** per population: spikes in this run */
  spikes: Record<string, number>;
  /** synaptic events routed in this run (after weights) */
  events: number;
  lateEvents: number;
}

export interface NetworkOptions {
  seed?: number;
  /** where model ids are looked up (default NEUROTWIN_MODELS or ./models) */
  modelsDir?: string;
}

export class Network {
  private readonly populations = new Map<string, PopulationState>();
  private readonly projections: Projection[] = [];
  private readonly models = new Map<string, Promise<StepModel>>();
  private registry: ModelRegistry | null = null;
  private readonly seed: number;
  private ringLength = 2;
  /** next bin to step */
  private t = 0;
  private lateEvents = 0;
  private events = 0;
  private running = false;

  constructor(private readonly options: NetworkOptions = {}) {
    this.seed = options.seed ?? 1;
  }

  /** Bins simulated so far. */
  get time(): number {
    return this.t;
  }

  population(name: string): Population {
    const p = this.populations.get(name);
    if (!p) throw new RangeError(`no population '${name}'`);
    return p;
  }

  /**
   * `size` twins of a model (an id in the models directory, or a registered model); `threads` > 1
   * steps them on that many threads, this one and workers (worth it for the heavy L5PC twins).
   */
  async twins(
    name: string,
    o: { model: string | RegisteredModel; size: number; threads?: number },
  ): Promise<Population> {
    this.checkNew(name, o.size);
    const entry = typeof o.model === 'string' ? this.lookup(o.model) : o.model;
    let model = this.models.get(entry.manifest.id);
    if (!model) {
      model = StepModel.load(entry.manifest, entry.stepPath);
      this.models.set(entry.manifest.id, model);
    }
    return this.add(name, new TwinPopulation(await model, o.size, o.threads ?? 1), o.size);
  }

  /** `size` reference cells (createNeuron of src/reference/cells); meant for small sizes. */
  reference(name: string, o: { cell: string; size: number; options?: CellOptions }): Population {
    this.checkNew(name, o.size);
    const neurons = Array.from({ length: o.size }, () => createNeuron(o.cell, o.options));
    return this.add(name, new ReferencePopulation(neurons), o.size);
  }

  connect(pre: Population, post: Population, spec: ProjectionSpec): Projection {
    const from = this.state(pre);
    const to = this.state(post);
    const proj = new Projection(
      from.name,
      to.name,
      from.size,
      to.size,
      to,
      spec,
      from === to,
      (this.seed + 7919 * (this.projections.length + 1)) >>> 0,
    );
    this.projections.push(proj);
    from.outgoing.push(proj);
    this.resizeRings(proj.maxDelay + 1 + this.maxOutputDelay());
    return proj;
  }

  drive(pop: Population, spec: DriveSpec): void {
    const s = this.state(pop);
    const seed = (this.seed + 104729 * (this.populations.size + s.drives.length + 1)) >>> 0;
    s.drives.push(makeDrive(spec, s.size, s.nExc, s.nInh, seed));
  }

  recordSpikes(pop: Population): SpikeRecorder {
    const s = this.state(pop);
    s.spikeRecorder ??= new SpikeRecorder(s.name);
    return s.spikeRecorder;
  }

  /** Records the voltage of the given neurons (default all) from the next bin on. */
  recordVoltage(pop: Population, neurons?: ArrayLike<number>): VoltageRecorder {
    const s = this.state(pop);
    const ids = Uint32Array.from(neurons ?? Array.from({ length: s.size }, (_, i) => i));
    for (const i of ids)
      if (i >= s.size) throw new RangeError(`recordVoltage: neuron ${i} is not in [0, ${s.size})`);
    s.voltageRecorder = new VoltageRecorder(s.name, ids);
    return s.voltageRecorder;
  }

  /** Advances the network by `durationMs` 1-ms bins. */
  async run(durationMs: number): Promise<RunResult> {
    if (!Number.isInteger(durationMs) || durationMs < 1)
      throw new RangeError(`run: duration must be a positive integer number of ms, got ${durationMs}`);
    if (this.running) throw new Error('run: the network is already running');
    this.running = true;
    const pops = [...this.populations.values()];
    const spikesBefore = pops.map((p) => p.spikes);
    const eventsBefore = this.events;
    const lateBefore = this.lateEvents;
    const t0 = performance.now();
    try {
      const end = this.t + durationMs;
      for (; this.t < end; this.t++) await this.stepBin(pops);
    } finally {
      this.running = false;
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    return {
      simulatedMs: durationMs,
      wallSeconds,
      realTimeFactor: durationMs / 1000 / wallSeconds,
      spikes: Object.fromEntries(pops.map((p, i) => [p.name, p.spikes - spikesBefore[i]])),
      events: this.events - eventsBefore,
      lateEvents: this.lateEvents - lateBefore,
    };
  }

  /** Writes the recordings (see network-file.ts). */
  async write(path: string, commandLine?: string): Promise<void> {
    const pops = [...this.populations.values()];
    await writeNetworkFile(path, {
      durationMs: this.t,
      populations: pops.map((p) => ({ name: p.name, kind: p.kind.label, size: p.size })),
      spikes: pops.flatMap((p) => (p.spikeRecorder ? [p.spikeRecorder] : [])),
      voltages: pops.flatMap((p) => (p.voltageRecorder ? [p.voltageRecorder] : [])),
      commandLine,
    });
  }

  async dispose(): Promise<void> {
    for (const p of this.populations.values()) await p.kind.dispose();
    for (const m of this.models.values()) await (await m).dispose();
    this.models.clear();
  }

  private async stepBin(pops: PopulationState[]): Promise<void> {
    const t = this.t;
    const slot = t % this.ringLength;
    // 1. inputs of bin t: routed spikes due now, plus external drive
    const inputs = pops.map((p) => {
      p.driveEvents.clear();
      for (const d of p.drives) d.addEvents(t, p.driveEvents);
      return p.input.build([p.ring[slot], p.driveEvents]);
    });
    // 2. every population steps bin t (twin populations run concurrently in onnxruntime)
    await Promise.all(pops.map((p, i) => p.kind.step(inputs[i])));
    for (const p of pops) p.ring[slot].clear();
    // 3. outputs (of bin t - outputDelay): record and route spikes
    for (const p of pops) {
      if (!p.kind.outputsValid) continue;
      const bin = t - p.kind.outputDelay;
      p.voltageRecorder?.add(bin, p.kind.voltage);
      const spike = p.kind.spike;
      for (let i = 0; i < p.size; i++) {
        if (!spike[i]) continue;
        p.spikes++;
        p.spikeRecorder?.add(bin, i);
        for (const proj of p.outgoing) this.route(proj, i, bin);
      }
    }
  }

  private route(proj: Projection, neuron: number, bin: number): void {
    const target = this.populations.get(proj.postName)!;
    const { offsets, post, synapse, delay, weight } = proj;
    const nExc = target.nExc;
    for (let c = offsets[neuron]; c < offsets[neuron + 1]; c++) {
      let arrival = bin + delay[c];
      if (arrival <= this.t) {
        arrival = this.t + 1;
        this.lateEvents++;
      }
      const list = target.ring[arrival % this.ringLength];
      const first = synapse[c];
      const base = first < nExc ? 0 : nExc;
      const pool = first < nExc ? nExc : target.nInh;
      const offset = first - base;
      for (let w = 0; w < weight[c]; w++) list.push(post[c], base + ((offset + w) % pool));
      this.events += weight[c];
    }
  }

  private add(name: string, kind: PopulationKind, size: number): Population {
    const s: PopulationState = {
      name,
      size,
      kind,
      nExc: kind.nExc,
      nInh: kind.nInh,
      input: new StepInputBuilder(size),
      driveEvents: new EventList(),
      drives: [],
      ring: [],
      outgoing: [],
      spikeRecorder: null,
      voltageRecorder: null,
      spikes: 0,
    };
    this.populations.set(name, s);
    this.resizeRings(Math.max(this.ringLength, 2 + kind.outputDelay));
    return s;
  }

  private maxOutputDelay(): number {
    let d = 0;
    for (const p of this.populations.values()) d = Math.max(d, p.kind.outputDelay);
    return d;
  }

  /** Rings long enough for the longest delay; pending events keep their bins. */
  private resizeRings(length: number): void {
    const next = Math.max(this.ringLength, length);
    for (const p of this.populations.values()) {
      if (p.ring.length === next) continue;
      const old = p.ring;
      p.ring = Array.from({ length: next }, () => new EventList());
      // events already queued (only possible between runs) move to their bin's new slot
      for (let k = 0; k < old.length; k++) {
        const bin = this.t + ((k - (this.t % old.length) + old.length) % old.length);
        const list = old[k];
        for (let e = 0; e < list.length; e++) p.ring[bin % next].push(list.neurons[e], list.ids[e]);
      }
    }
    this.ringLength = next;
  }

  private lookup(id: string): RegisteredModel {
    this.registry ??= ModelRegistry.load(this.options.modelsDir ?? defaultModelsDir());
    const entry = this.registry.get(id);
    if (!entry)
      throw new RangeError(
        `no model '${id}' in ${this.registry.dir} (available: ${this.registry.ids().join(', ') || 'none'})`,
      );
    return entry;
  }

  private checkNew(name: string, size: number): void {
    if (this.running) throw new Error('populations cannot be added while the network runs');
    if (!name || this.populations.has(name))
      throw new RangeError(`population name '${name}' is empty or taken`);
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`population '${name}': size must be a positive integer, got ${size}`);
  }

  private state(pop: Population): PopulationState {
    const s = this.populations.get(pop.name);
    if (!s || s !== pop) throw new RangeError(`population '${pop.name}' does not belong to this network`);
    return s;
  }
}
