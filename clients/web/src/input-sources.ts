/**
 * Where a dashboard session's input spikes come from, bin by bin: the paper's statistics (drawn in
 * 6-s trials, trial b from seed + b), independent Poisson spikes at fixed rates, periodic bursts on
 * top of a background, silence, or a given input file.
 */
import {
  PatternGenerator,
  type InputPattern,
  type PatternGeneratorConfig,
} from '../../../src/inputs/paper-pattern.js';
import { Rng } from '../../../src/core/rng.js';
import { binOffsets } from '../../../src/core/spikes.js';
import type { InputFile } from '../../../src/dataset/input-json.js';
import type { SpikeBin } from '../../sdk/index.js';

export interface InputSource {
  readonly durationMs: number;
  readonly seed: number;
  /** how the inputs were made, stored with a downloaded session */
  readonly generator: Record<string, unknown>;
  /** the input spikes of bins from .. from + count − 1 (called with consecutive ranges) */
  bins(from: number, count: number): SpikeBin[];
}

/** The paper's trials last 6 s; longer sessions chain trials. */
export const PAPER_TRIAL_MS = 6000;

function checkDuration(durationMs: number): void {
  if (!Number.isInteger(durationMs) || durationMs < 1) {
    throw new RangeError(`the duration must be a whole number of ms >= 1, got ${durationMs}`);
  }
}

export class PaperSource implements InputSource {
  readonly generator: Record<string, unknown>;
  private readonly trials: PatternGenerator;
  private trial: InputPattern | null = null;
  private trialIndex = -1;

  constructor(
    readonly config: PatternGeneratorConfig,
    readonly durationMs: number,
    readonly seed: number,
  ) {
    checkDuration(durationMs);
    this.trials = new PatternGenerator(config, Math.min(durationMs, PAPER_TRIAL_MS));
    this.generator = {
      source: 'paper',
      preset: config.preset,
      trialMs: this.trials.durationMs,
      note: 'trial b of the session is the paper pattern drawn from seed + b',
      groups: config.groups.map((g) => ({ name: g.name, excCount: g.excCount, inhDelta: g.inhDelta })),
      holdOptionsMs: config.holdOptionsMs,
      sigmaOptionsMs: config.sigmaOptionsMs,
    };
  }

  bins(from: number, count: number): SpikeBin[] {
    const out: SpikeBin[] = [];
    const T = this.trials.durationMs;
    for (let k = from; k < from + count; k++) {
      const b = Math.floor(k / T);
      if (b !== this.trialIndex) {
        this.trial = this.trials.generate((this.seed + b) >>> 0);
        this.trialIndex = b;
      }
      const p = this.trial!;
      const t = k - b * T;
      out.push({
        exc: p.exc.ids.subarray(p.excOffsets[t], p.excOffsets[t + 1]),
        inh: p.inh.ids.subarray(p.inhOffsets[t], p.inhOffsets[t + 1]),
      });
    }
    return out;
  }
}

export interface RateOptions {
  nExc: number;
  nInh: number;
  durationMs: number;
  seed: number;
  /** per synapse, Hz */
  excHz: number;
  inhHz: number;
}

export interface BurstOptions extends RateOptions {
  periodMs: number;
  widthMs: number;
  /** excitatory rate per synapse inside a burst, Hz (excHz outside) */
  burstHz: number;
}

function checkRate(name: string, hz: number): number {
  if (!(hz >= 0 && hz <= 1000)) throw new RangeError(`${name} must be a rate in [0, 1000] Hz, got ${hz}`);
  // probability of a spike in a 1-ms bin
  return hz / 1000;
}

/** Independent Bernoulli spikes per synapse per bin; bursts raise the excitatory rate periodically. */
export class RateSource implements InputSource {
  readonly generator: Record<string, unknown>;
  private readonly rng: Rng;
  private readonly pExc: number;
  private readonly pInh: number;
  private readonly pBurst: number;
  private readonly periodMs: number;
  private readonly widthMs: number;

  constructor(private readonly o: RateOptions | BurstOptions) {
    checkDuration(o.durationMs);
    this.rng = new Rng(o.seed);
    this.pExc = checkRate('the excitatory rate', o.excHz);
    this.pInh = checkRate('the inhibitory rate', o.inhHz);
    if ('periodMs' in o) {
      if (!(Number.isInteger(o.periodMs) && o.periodMs >= 1))
        throw new RangeError('the burst period must be a whole number of ms >= 1');
      if (!(Number.isInteger(o.widthMs) && o.widthMs >= 1 && o.widthMs <= o.periodMs)) {
        throw new RangeError('the burst width must be a whole number of ms in [1, period]');
      }
      this.pBurst = checkRate('the burst rate', o.burstHz);
      this.periodMs = o.periodMs;
      this.widthMs = o.widthMs;
      this.generator = {
        source: 'bursts',
        excHz: o.excHz,
        inhHz: o.inhHz,
        burstHz: o.burstHz,
        periodMs: o.periodMs,
        widthMs: o.widthMs,
      };
    } else {
      this.pBurst = this.pExc;
      this.periodMs = 1;
      this.widthMs = 0;
      this.generator = { source: 'poisson', excHz: o.excHz, inhHz: o.inhHz };
    }
  }

  get durationMs(): number {
    return this.o.durationMs;
  }
  get seed(): number {
    return this.o.seed;
  }

  bins(from: number, count: number): SpikeBin[] {
    const out: SpikeBin[] = [];
    for (let k = from; k < from + count; k++) {
      const pExc = k % this.periodMs < this.widthMs ? this.pBurst : this.pExc;
      out.push({ exc: this.draw(this.o.nExc, pExc), inh: this.draw(this.o.nInh, this.pInh) });
    }
    return out;
  }

  private draw(n: number, p: number): number[] {
    const ids: number[] = [];
    if (p > 0) for (let i = 0; i < n; i++) if (this.rng.bernoulli(p)) ids.push(i);
    return ids;
  }
}

export class SilenceSource implements InputSource {
  readonly generator = { source: 'silence' };
  readonly seed = 0;
  constructor(readonly durationMs: number) {
    checkDuration(durationMs);
  }
  bins(_from: number, count: number): SpikeBin[] {
    return Array.from({ length: count }, () => ({ exc: [], inh: [] }));
  }
}

/** The spikes of an input file (already checked against the cell by parseInputsJson). */
export class GivenSource implements InputSource {
  readonly generator: Record<string, unknown>;
  readonly durationMs: number;
  readonly seed: number;
  private readonly excOffsets: Int32Array;
  private readonly inhOffsets: Int32Array;

  constructor(
    private readonly file: InputFile,
    name: string,
  ) {
    this.durationMs = file.durationMs;
    this.seed = file.given.seed;
    this.generator = { source: 'file', file: name };
    this.excOffsets = binOffsets(file.given.exc, file.durationMs);
    this.inhOffsets = binOffsets(file.given.inh, file.durationMs);
  }

  bins(from: number, count: number): SpikeBin[] {
    const { exc, inh } = this.file.given;
    const out: SpikeBin[] = [];
    for (let k = from; k < from + count; k++) {
      out.push({
        exc: exc.ids.subarray(this.excOffsets[k], this.excOffsets[k + 1]),
        inh: inh.ids.subarray(this.inhOffsets[k], this.inhOffsets[k + 1]),
      });
    }
    return out;
  }
}
