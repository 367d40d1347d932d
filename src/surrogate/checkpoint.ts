import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabelConvention } from '../core/conventions.js';
import type { NetworkSpec, NetworkWeights, VoltageTarget } from './architectures/spec.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { LossWeights } from './losses.js';
import type { RngState } from '../core/rng.js';

/** Everything that defines a training run; a resumed run must present the same values. */
export interface TrainConfig {
  arch: string;
  archParams: Record<string, unknown>;
  neuron: string;
  convention: LabelConvention;
  epochs: number;
  stepsPerEpoch: number;
  batch: number;
  windowBins: number;
  validWindows: number;
  lr: number;
  patience: number;
  seed: number;
  lossWeights: LossWeights;
  data: string;
  valid: string;
  /** decoupled weight decay per step (AdamW form: w ← w − lr·decay·w, biases exempt); absent: 0 */
  weightDecay?: number;
  /** epochs without improvement after which training goes back to the best weights and halves the
   * learning rate (again at every multiple, until `patience` stops it); absent or 0: never */
  lrDropPatience?: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  seconds: number;
  stepsPerSecond: number;
}

/** What the training data was (recorded in the manifest): its size and how it was simulated. */
export interface TrainingDataInfo {
  trials: number;
  simulatedHours: number;
  /** input events (both kinds) per ms, averaged over the training data */
  meanEventsPerMs?: number;
  /** compartmental cells: the data's integrator, substep and morphology */
  integrationMethod?: string;
  dtMs?: number;
  spikeDtMs?: number;
  morphology?: string;
}

export interface CheckpointState {
  config: TrainConfig;
  /** the data of the latest run (a resumed run may add training files) */
  dataInfo?: TrainingDataInfo;
  spec: NetworkSpec;
  /** excitatory inputs come first: channels 0..nExc-1 */
  nExc: number;
  /** seeds identifying the training/validation data (from the datasets) */
  dataSeeds: Record<string, number>;
  voltageTarget: VoltageTarget;
  backend: string;
  /** epochs completed */
  epoch: number;
  bestValid: number;
  bestEpoch: number;
  epochsSinceBest: number;
  /** learning rate now = config.lr × lrScale (halved at every drop); absent: 1 */
  lrScale?: number;
  /** true once training stopped (epochs reached or early stopping) */
  finished: boolean;
  rng: RngState;
  history: EpochRecord[];
  commands: string[];
  current: NetworkWeights;
  best: NetworkWeights;
}

const MAGIC = 'NTCKPT2\n';

export function checkpointPath(outDir: string): string {
  return path.join(outDir, 'checkpoint', 'state.ckpt');
}

interface TensorEntry {
  name: string;
  length: number;
}

/**
 * Layout: MAGIC, uint32 LE header length, JSON header, then the float32 arrays back to back in the
 * order the header lists them. Written to a temp file and renamed, so a crash keeps the old one.
 */
export function saveCheckpoint(outDir: string, state: CheckpointState): void {
  const arrays: Float32Array[] = [];
  const entries: TensorEntry[] = [];
  const pack = (prefix: string, w: NetworkWeights): unknown => {
    const put = (name: string, a: Float32Array): string => {
      entries.push({ name: `${prefix}/${name}`, length: a.length });
      arrays.push(a);
      return `${prefix}/${name}`;
    };
    return {
      layers: w.layers.map((l, i) =>
        Object.fromEntries(Object.entries(l).map(([name, a]) => [name, put(`layer${i}/${name}`, a)])),
      ),
      spike: { w: put('spike/w', w.spike.w), b: w.spike.b },
      voltage: { w: put('voltage/w', w.voltage.w), b: w.voltage.b },
    };
  };
  const { current, best, ...rest } = state;
  const header = JSON.stringify({
    ...rest,
    current: pack('current', current),
    best: pack('best', best),
    tensors: entries,
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const total = MAGIC.length + 4 + headerBytes.length + arrays.reduce((n, a) => n + a.byteLength, 0);
  const buf = Buffer.alloc(total);
  let o = buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(headerBytes.length, o);
  o += 4;
  headerBytes.copy(buf, o);
  o += headerBytes.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, o);
    o += a.byteLength;
  }
  mkdirSync(path.dirname(checkpointPath(outDir)), { recursive: true });
  writeFileAtomic(checkpointPath(outDir), buf);
}

export function hasCheckpoint(outDir: string): boolean {
  return existsSync(checkpointPath(outDir));
}

export function loadCheckpoint(outDir: string): CheckpointState {
  const file = checkpointPath(outDir);
  if (!existsSync(file)) throw new Error(`no checkpoint at ${file}`);
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
    throw new Error(`${file} is not a neurotwin checkpoint`);
  const hLen = buf.readUInt32LE(MAGIC.length);
  const header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + hLen)) as Record<
    string,
    unknown
  > & { tensors: TensorEntry[] };
  const tensors = new Map<string, Float32Array>();
  let o = MAGIC.length + 4 + hLen;
  for (const e of header.tensors) {
    if (o + e.length * 4 > buf.length) throw new Error(`${file} is truncated`);
    const a = new Float32Array(e.length);
    Buffer.from(a.buffer).set(buf.subarray(o, o + e.length * 4));
    tensors.set(e.name, a);
    o += e.length * 4;
  }
  const get = (name: string): Float32Array => {
    const a = tensors.get(name);
    if (!a) throw new Error(`${file}: tensor '${name}' missing`);
    return a;
  };
  type Packed = {
    layers: Record<string, string>[];
    spike: { w: string; b: number };
    voltage: { w: string; b: number };
  };
  const unpack = (p: Packed): NetworkWeights => ({
    layers: p.layers.map((l) => Object.fromEntries(Object.entries(l).map(([name, ref]) => [name, get(ref)]))),
    spike: { w: get(p.spike.w), b: p.spike.b },
    voltage: { w: get(p.voltage.w), b: p.voltage.b },
  });
  const { tensors: _t, current, best, ...rest } = header;
  void _t;
  return {
    ...(rest as unknown as Omit<CheckpointState, 'current' | 'best'>),
    current: unpack(current as Packed),
    best: unpack(best as Packed),
  };
}
