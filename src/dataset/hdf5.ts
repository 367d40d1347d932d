/**
 * Datasets on disk: HDF5 through h5wasm, laid out for h5py / MATLAB readers.
 *
 * Layout (format "neurotwin-dataset", version 1; N trials of T bins; see also the README, "Datasets"):
 *
 *   /                               attributes:
 *     format "neurotwin-dataset", format_version 1, cell, n_exc, n_inh, duration_ms (T),
 *     n_trials (N), label_convention ('spike-bin' | 'half-bin-offset'), generator_preset,
 *     generator_config (JSON of the fixed generator parameters), base_seed, command_line, created_by
 *   /trials/seed                    uint32  [N]      seed each trial's input was drawn from
 *   /inputs/exc/times               int32   [Se]     spike bin (ms), trials concatenated, time-sorted
 *   /inputs/exc/ids                 int32   [Se]     excitatory synapse id 0..n_exc-1
 *   /inputs/exc/offsets             int64   [N+1]    trial i owns [offsets[i], offsets[i+1])
 *   /inputs/inh/{times,ids,offsets}                  same for inhibitory synapses
 *   /outputs/soma_voltage           float32 [N, T]   soma voltage sample per bin, mV, unclipped
 *   /outputs/spike_labels           uint8   [N, T]   0/1 spike label per bin (label_convention)
 *   /outputs/spike_times            float64 [So]     exact output spike times, ms, concatenated
 *   /outputs/spike_offsets          int64   [N+1]
 *   /generator/hold_ms, sigma_ms, n_intervals  int32 [N]   drawn per trial
 *   /generator/interval_offsets     int64   [N+1]    into the count tables (cumulative n_intervals)
 *   /generator/exc_counts           float64 [ΣM, G]  spikes per 100 ms per interval and group
 *   /generator/inh_counts           float64 [ΣM, G]  (G groups, names in attribute /generator.groups)
 *   /outputs/dendritic_voltage      float32 [N, T, D] optional: every dendritic compartment per bin, mV
 *                                   (root attributes morphology, n_dendritic_compartments = D)
 *
 * Trials on given (not generated) inputs have hold_ms = sigma_ms = -1 and no count rows.
 *
 * Ragged per-trial data (spikes, counts) is stored concatenated with offsets (the CSR idea):
 * plain numeric arrays that h5py slices directly, no variable-length types. Large arrays are
 * chunked and extendible, so a file is written trial by trial without holding it in memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { commitTemporary, describeFsError, discardTemporary, temporaryPath } from '../core/atomic-file.js';
import { GIVEN_INPUTS, isDrawn } from '../core/input-record.js';
import { clearObjectTimestamps } from './hdf5-timestamps.js';
import h5wasm from 'h5wasm/node';
import type { LabelConvention } from '../core/conventions.js';
import type { Trial } from './trial.js';

export const DATASET_FORMAT = 'neurotwin-dataset';
export const DATASET_FORMAT_VERSION = 1;

export interface DatasetHeader {
  cell: string;
  nExc: number;
  nInh: number;
  durationMs: number;
  labelConvention: LabelConvention;
  generatorPreset: string;
  /** fixed generator parameters (JSON-serialisable) */
  generatorConfig: unknown;
  /** names of the generator's synapse groups (columns of the count tables) */
  groups: string[];
  baseSeed: number;
  commandLine: string;
  /** compartmental cells: the morphology the cell was built on ('procedural' or a file name) */
  morphology?: string;
  /** compartmental cells: the integrator and its substep (ms) the data was simulated with */
  integrationMethod?: string;
  dtMs?: number;
  /** spike-adaptive integration: the fine substep (ms) of the bins around spikes */
  spikeDtMs?: number;
  /** when > 0, every trial carries dendriticVoltage of this many compartments per bin */
  dendriticCompartments?: number;
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

export async function h5Ready(): Promise<void> {
  await h5wasm.ready;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Throws a one-line error unless `path` is an existing HDF5 file, so that h5wasm never prints its
 * diagnostic stack for it.
 */
export function checkHdf5File(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${path}: no such file`);
    throw new Error(`${path}: cannot read it (${describeFsError(err)})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path}: is a folder or device, not a dataset file`);
    if (!hasHdf5Signature(fd))
      throw new Error(`${path}: not an HDF5 file (datasets are written by 'neurotwin generate')`);
  } finally {
    closeSync(fd);
  }
}

/** Whether an open file carries the HDF5 signature (at offset 0, 512, 1024, ...: the format allows a user block). */
export function hasHdf5Signature(fd: number): boolean {
  const size = fstatSync(fd).size;
  const probe = Buffer.alloc(HDF5_SIGNATURE.length);
  for (let at = 0; at + probe.length <= size; at = at === 0 ? 512 : at * 2) {
    readSync(fd, probe, 0, probe.length, at);
    if (probe.equals(HDF5_SIGNATURE)) return true;
  }
  return false;
}

const CHUNK_1D = 1 << 16;

/** An extendible [N, T, D] dataset appended one [T, D] block (one trial) at a time. */
class AppendableBlocks {
  blocks = 0;
  constructor(
    private readonly ds: H5Dataset,
    private readonly rows: number,
    private readonly width: number,
  ) {}
  append(block: ArrayLike<number> & { length: number }): void {
    if (block.length !== this.rows * this.width)
      throw new RangeError(`block of ${block.length} values is not ${this.rows} × ${this.width}`);
    this.ds.resize([this.blocks + 1, this.rows, this.width]);
    this.ds.write_slice([[this.blocks, this.blocks + 1], [], []], block);
    this.blocks++;
  }
}

/** An extendible 1-D dataset appended to chunk by chunk. */
class Appendable1D {
  length = 0;
  constructor(private readonly ds: H5Dataset) {}
  append(data: ArrayLike<number> & { length: number }): void {
    if (data.length === 0) return;
    this.ds.resize([this.length + data.length]);
    this.ds.write_slice([[this.length, this.length + data.length]], data);
    this.length += data.length;
  }
}

/** An extendible [rows, width] dataset appended a block of whole rows at a time. */
class AppendableRows {
  rows = 0;
  constructor(
    private readonly ds: H5Dataset,
    private readonly width: number,
  ) {}
  append(block: ArrayLike<number> & { length: number }): void {
    if (block.length % this.width !== 0)
      throw new RangeError(`block of ${block.length} values is not whole rows of ${this.width}`);
    const n = block.length / this.width;
    if (n === 0) return;
    this.ds.resize([this.rows + n, this.width]);
    this.ds.write_slice([[this.rows, this.rows + n], []], block);
    this.rows += n;
  }
}

function extendible1D(file: H5File, name: string, dtype: string): Appendable1D {
  return new Appendable1D(
    file.create_dataset({
      name,
      data: emptyOf(dtype),
      shape: [0],
      maxshape: [null],
      chunks: [CHUNK_1D],
      dtype,
    }),
  );
}

function emptyOf(dtype: string): Int32Array | Float64Array | Float32Array | Uint8Array {
  if (dtype === '<i') return new Int32Array(0);
  if (dtype === '<f') return new Float32Array(0);
  if (dtype === '<B') return new Uint8Array(0);
  return new Float64Array(0);
}

/**
 * Writes trials one by one into FILE (through a temporary name, renamed on close, so an interrupted
 * write never leaves a file that looks complete). Call append() per trial in order, then close().
 */
export class DatasetWriter {
  private readonly file: H5File;
  private readonly tempPath: string;
  private closed = false;
  private readonly excTimes: Appendable1D;
  private readonly excIds: Appendable1D;
  private readonly inhTimes: Appendable1D;
  private readonly inhIds: Appendable1D;
  private readonly spikeTimes: Appendable1D;
  private readonly excCounts: AppendableRows;
  private readonly inhCounts: AppendableRows;
  private readonly voltage: AppendableRows;
  private readonly labels: AppendableRows;
  private readonly dendrites: AppendableBlocks | null = null;
  private readonly seeds: number[] = [];
  private readonly hold: number[] = [];
  private readonly sigma: number[] = [];
  private readonly nIntervals: number[] = [];
  private readonly excOffsets: bigint[] = [0n];
  private readonly inhOffsets: bigint[] = [0n];
  private readonly spikeOffsets: bigint[] = [0n];
  private readonly intervalOffsets: bigint[] = [0n];

  /** Requires `await h5Ready()` once before. */
  constructor(
    readonly path: string,
    readonly header: DatasetHeader,
  ) {
    this.tempPath = temporaryPath(path);
    this.file = new h5wasm.File(this.tempPath, 'w');
    const f = this.file;
    const T = header.durationMs;
    const G = header.groups.length;
    f.create_group('trials');
    f.create_group('inputs');
    f.create_group('inputs/exc');
    f.create_group('inputs/inh');
    f.create_group('outputs');
    f.create_group('generator');
    this.excTimes = extendible1D(f, 'inputs/exc/times', '<i');
    this.excIds = extendible1D(f, 'inputs/exc/ids', '<i');
    this.inhTimes = extendible1D(f, 'inputs/inh/times', '<i');
    this.inhIds = extendible1D(f, 'inputs/inh/ids', '<i');
    this.spikeTimes = extendible1D(f, 'outputs/spike_times', '<d');
    const rows = (name: string, width: number, dtype: string, chunkRows: number): AppendableRows =>
      new AppendableRows(
        f.create_dataset({
          name,
          data: emptyOf(dtype),
          shape: [0, width],
          maxshape: [null, width],
          chunks: [chunkRows, width],
          dtype,
        }),
        width,
      );
    this.voltage = rows('outputs/soma_voltage', T, '<f', 1);
    this.labels = rows('outputs/spike_labels', T, '<B', 1);
    this.excCounts = rows('generator/exc_counts', G, '<d', 1024);
    this.inhCounts = rows('generator/inh_counts', G, '<d', 1024);
    const D = header.dendriticCompartments ?? 0;
    if (D > 0) {
      const ds = f.create_dataset({
        name: 'outputs/dendritic_voltage',
        data: new Float32Array(0),
        shape: [0, T, D],
        maxshape: [null, T, D],
        chunks: [1, T, D],
        dtype: '<f',
      });
      ds.create_attribute('units', 'mV');
      ds.create_attribute(
        'sampling',
        'bin k sampled at t = k ms, before the inputs of bin k act (as the soma)',
      );
      ds.create_attribute('order', 'dendritic compartments in synapse order: basal sections, then apical');
      this.dendrites = new AppendableBlocks(ds, T, D);
    }
  }

  get trials(): number {
    return this.seeds.length;
  }

  append(trial: Trial): void {
    const h = this.header;
    if (trial.durationMs !== h.durationMs || trial.nExc !== h.nExc || trial.nInh !== h.nInh) {
      throw new RangeError(`trial (seed ${trial.seed}) does not match the dataset's duration/synapse counts`);
    }
    const gen = trial.generator;
    const G = h.groups.length;
    // given (not generated) inputs carry none of the generator parameters
    const M = isDrawn(gen) ? gen.nIntervals : 0;
    if (
      isDrawn(gen) &&
      (!Number.isInteger(M) || gen.excCounts.length !== M * G || gen.inhCounts.length !== M * G)
    ) {
      throw new RangeError(
        `trial (seed ${trial.seed}) has count tables that do not match nIntervals × ${G} groups`,
      );
    }
    if (this.dendrites && !trial.dendriticVoltage) {
      throw new RangeError(`trial (seed ${trial.seed}) has no dendritic voltages, the dataset records them`);
    }
    this.excTimes.append(trial.exc.times);
    this.excIds.append(trial.exc.ids);
    this.inhTimes.append(trial.inh.times);
    this.inhIds.append(trial.inh.ids);
    this.spikeTimes.append(trial.spikeTimes);
    this.voltage.append(trial.somaVoltage);
    this.labels.append(trial.spikeLabels);
    if (this.dendrites && trial.dendriticVoltage) this.dendrites.append(trial.dendriticVoltage);
    this.excCounts.append(Float64Array.from(isDrawn(gen) ? gen.excCounts : []));
    this.inhCounts.append(Float64Array.from(isDrawn(gen) ? gen.inhCounts : []));
    this.seeds.push(trial.seed);
    this.hold.push(isDrawn(gen) ? gen.holdMs : -1);
    this.sigma.push(isDrawn(gen) ? gen.sigmaMs : -1);
    this.nIntervals.push(M);
    this.excOffsets.push(BigInt(this.excTimes.length));
    this.inhOffsets.push(BigInt(this.inhTimes.length));
    this.spikeOffsets.push(BigInt(this.spikeTimes.length));
    this.intervalOffsets.push(BigInt(this.excCounts.rows));
  }

  /** Writes the per-trial tables and attributes, closes, and renames into place. */
  close(): void {
    if (this.closed) return;
    const f = this.file;
    const h = this.header;
    const fixed = (name: string, data: Int32Array | Uint32Array | BigInt64Array, dtype: string): void => {
      f.create_dataset({ name, data, shape: [data.length], dtype });
    };
    fixed('trials/seed', Uint32Array.from(this.seeds), '<I');
    fixed('inputs/exc/offsets', BigInt64Array.from(this.excOffsets), '<q');
    fixed('inputs/inh/offsets', BigInt64Array.from(this.inhOffsets), '<q');
    fixed('outputs/spike_offsets', BigInt64Array.from(this.spikeOffsets), '<q');
    fixed('generator/hold_ms', Int32Array.from(this.hold), '<i');
    fixed('generator/sigma_ms', Int32Array.from(this.sigma), '<i');
    fixed('generator/n_intervals', Int32Array.from(this.nIntervals), '<i');
    fixed('generator/interval_offsets', BigInt64Array.from(this.intervalOffsets), '<q');
    (f.get('generator') as InstanceType<typeof h5wasm.Group>).create_attribute(
      'groups',
      JSON.stringify(h.groups),
    );
    const str = (name: string, value: string): void => f.create_attribute(name, value);
    const int = (name: string, value: number, dtype = '<i'): void =>
      f.create_attribute(name, value, null, dtype);
    str('format', DATASET_FORMAT);
    int('format_version', DATASET_FORMAT_VERSION);
    str('cell', h.cell);
    int('n_exc', h.nExc);
    int('n_inh', h.nInh);
    int('duration_ms', h.durationMs);
    int('n_trials', this.seeds.length);
    str('label_convention', h.labelConvention);
    str('generator_preset', h.generatorPreset);
    str('generator_config', JSON.stringify(h.generatorConfig));
    int('base_seed', h.baseSeed, '<I');
    str('command_line', h.commandLine);
    str('created_by', 'neurotwin');
    if (h.morphology !== undefined) str('morphology', h.morphology);
    if (h.integrationMethod !== undefined) str('integration_method', h.integrationMethod);
    if (h.dtMs !== undefined) f.create_attribute('dt_ms', h.dtMs, null, '<d');
    if (h.spikeDtMs !== undefined) f.create_attribute('spike_dt_ms', h.spikeDtMs, null, '<d');
    if ((h.dendriticCompartments ?? 0) > 0) int('n_dendritic_compartments', h.dendriticCompartments ?? 0);
    f.close();
    this.closed = true;
    clearObjectTimestamps(this.tempPath);
    commitTemporary(this.tempPath, this.path);
  }

  /** Closes and deletes the temporary file (after an error). */
  abort(): void {
    if (!this.closed) {
      try {
        this.file.close();
      } catch {
        // the file may already be unusable; it is removed below either way
      }
      this.closed = true;
    }
    discardTemporary(this.tempPath);
  }
}

/** Writes a whole dataset (temp file, then rename). */
export async function writeDataset(
  path: string,
  header: DatasetHeader,
  trials: Iterable<Trial>,
): Promise<void> {
  await h5Ready();
  const writer = new DatasetWriter(path, header);
  try {
    for (const trial of trials) writer.append(trial);
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

function toNumbers(x: unknown): number[] {
  if (x instanceof BigInt64Array || x instanceof BigUint64Array) return Array.from(x, Number);
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  throw new TypeError('expected a numeric dataset');
}

/** Random access to the trials of a dataset file; read a range at a time for large files. */
export class DatasetReader {
  readonly header: DatasetHeader;
  readonly nTrials: number;
  private readonly file: H5File;
  private readonly excOffsets: number[];
  private readonly inhOffsets: number[];
  private readonly spikeOffsets: number[];
  private readonly intervalOffsets: number[];
  private readonly seeds: number[];
  private readonly hold: number[];
  private readonly sigma: number[];

  /** Use DatasetReader.open(). */
  private constructor(file: H5File) {
    this.file = file;
    const attr = (name: string): unknown => {
      const a = file.attrs[name];
      if (!a)
        throw new Error(`${file.filename}: missing root attribute '${name}' (not a ${DATASET_FORMAT} file?)`);
      return a.value;
    };
    if (attr('format') !== DATASET_FORMAT) throw new Error(`${file.filename}: not a ${DATASET_FORMAT} file`);
    const version = Number(attr('format_version'));
    if (version !== DATASET_FORMAT_VERSION)
      throw new Error(`${file.filename}: unsupported format_version ${version}`);
    const groupsAttr = (file.get('generator') as InstanceType<typeof h5wasm.Group>).attrs['groups'];
    this.header = {
      cell: String(attr('cell')),
      nExc: Number(attr('n_exc')),
      nInh: Number(attr('n_inh')),
      durationMs: Number(attr('duration_ms')),
      labelConvention: String(attr('label_convention')) as LabelConvention,
      generatorPreset: String(attr('generator_preset')),
      generatorConfig: JSON.parse(String(attr('generator_config'))),
      groups: JSON.parse(String(groupsAttr.value)) as string[],
      baseSeed: Number(attr('base_seed')),
      commandLine: String(attr('command_line')),
    };
    const optional = (name: string): unknown => file.attrs[name]?.value;
    if (optional('morphology') !== undefined) this.header.morphology = String(optional('morphology'));
    if (optional('integration_method') !== undefined)
      this.header.integrationMethod = String(optional('integration_method'));
    if (optional('dt_ms') !== undefined) this.header.dtMs = Number(optional('dt_ms'));
    if (optional('spike_dt_ms') !== undefined) this.header.spikeDtMs = Number(optional('spike_dt_ms'));
    if (optional('n_dendritic_compartments') !== undefined) {
      this.header.dendriticCompartments = Number(optional('n_dendritic_compartments'));
    }
    this.nTrials = Number(attr('n_trials'));
    const all = (name: string): number[] => toNumbers(this.dataset(name).value);
    this.excOffsets = all('inputs/exc/offsets');
    this.inhOffsets = all('inputs/inh/offsets');
    this.spikeOffsets = all('outputs/spike_offsets');
    this.intervalOffsets = all('generator/interval_offsets');
    this.seeds = all('trials/seed');
    this.hold = all('generator/hold_ms');
    this.sigma = all('generator/sigma_ms');
  }

  /** Opens a dataset file; a missing file or one that is not HDF5 is refused before h5wasm sees it. */
  static async open(path: string): Promise<DatasetReader> {
    checkHdf5File(path);
    await h5Ready();
    const file = new h5wasm.File(path, 'r');
    try {
      return new DatasetReader(file);
    } catch (err) {
      file.close();
      throw err;
    }
  }

  private dataset(name: string): H5Dataset {
    const ds = this.file.get(name);
    if (!(ds instanceof h5wasm.Dataset)) throw new Error(`${this.file.filename}: missing dataset '${name}'`);
    return ds;
  }

  private range<T>(name: string, start: number, end: number, empty: T): T {
    if (end <= start) return empty;
    return this.dataset(name).slice([[start, end]]) as T;
  }

  /** Whether the file holds /outputs/dendritic_voltage. */
  get hasDendriticVoltage(): boolean {
    return (this.header.dendriticCompartments ?? 0) > 0;
  }

  /** Dendritic voltages of trial i, time-major [T × D] (see Trial.dendriticVoltage). */
  readDendriticVoltage(i: number): Float32Array {
    this.checkIndex(i);
    if (!this.hasDendriticVoltage) throw new Error(`${this.file.filename}: no dendritic voltages recorded`);
    return this.dataset('outputs/dendritic_voltage').slice([[i, i + 1], [], []]) as Float32Array;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.nTrials)
      throw new RangeError(`trial index ${i} outside [0, ${this.nTrials})`);
  }

  /**
   * Trial i (0-based). Dendritic voltages (large) are read only with `{ dendrites: true }`.
   */
  readTrial(i: number, options: { dendrites?: boolean } = {}): Trial {
    this.checkIndex(i);
    const h = this.header;
    const [ea, eb] = [this.excOffsets[i], this.excOffsets[i + 1]];
    const [ia, ib] = [this.inhOffsets[i], this.inhOffsets[i + 1]];
    const [sa, sb] = [this.spikeOffsets[i], this.spikeOffsets[i + 1]];
    const [ma, mb] = [this.intervalOffsets[i], this.intervalOffsets[i + 1]];
    const counts = (name: string): number[] =>
      mb > ma ? Array.from(this.dataset(name).slice([[ma, mb], []]) as Float64Array) : [];
    const given = this.hold[i] < 0;
    const trial: Trial = {
      seed: this.seeds[i],
      durationMs: h.durationMs,
      nExc: h.nExc,
      nInh: h.nInh,
      exc: {
        times: this.range('inputs/exc/times', ea, eb, new Int32Array(0)),
        ids: this.range('inputs/exc/ids', ea, eb, new Int32Array(0)),
      },
      inh: {
        times: this.range('inputs/inh/times', ia, ib, new Int32Array(0)),
        ids: this.range('inputs/inh/ids', ia, ib, new Int32Array(0)),
      },
      somaVoltage: this.dataset('outputs/soma_voltage').slice([[i, i + 1], []]) as Float32Array,
      spikeTimes: this.range('outputs/spike_times', sa, sb, new Float64Array(0)),
      spikeLabels: this.dataset('outputs/spike_labels').slice([[i, i + 1], []]) as Uint8Array,
      generator: given
        ? GIVEN_INPUTS
        : {
            preset: h.generatorPreset,
            groups: h.groups,
            holdMs: this.hold[i],
            sigmaMs: this.sigma[i],
            nIntervals: mb - ma,
            excCounts: counts('generator/exc_counts'),
            inhCounts: counts('generator/inh_counts'),
          },
    };
    if (options.dendrites && this.hasDendriticVoltage) trial.dendriticVoltage = this.readDendriticVoltage(i);
    return trial;
  }

  /** Trials start..end−1, one at a time (streaming over large files). */
  *trials(start = 0, end = this.nTrials): Generator<Trial> {
    for (let i = start; i < Math.min(end, this.nTrials); i++) yield this.readTrial(i);
  }

  close(): void {
    this.file.close();
  }
}

/** All trials of a file (small datasets; use DatasetReader for large ones). */
export async function readDataset(path: string): Promise<{ header: DatasetHeader; trials: Trial[] }> {
  const reader = await DatasetReader.open(path);
  try {
    return { header: reader.header, trials: [...reader.trials()] };
  } finally {
    reader.close();
  }
}
