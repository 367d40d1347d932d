/**
 * The input panel: shows the knobs of the chosen pattern (the paper's per-group counts built from the
 * cell's statistics), and turns the form into an InputSource, with a one-line error for bad values.
 */
import type { PatternGeneratorConfig } from '../../../src/inputs/paper-pattern.js';
import { validatePatternConfig } from '../../../src/inputs/paper-pattern.js';
import { InputsJsonError, parseInputsJson } from '../../../src/dataset/input-json.js';
import { GivenSource, PaperSource, RateSource, SilenceSource, type InputSource } from './input-sources.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function numberOf(id: string, what: string): number {
  const input = $<HTMLInputElement>(id);
  const v = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(v))
    throw new RangeError(`${what} must be a number, got '${input.value}'`);
  return v;
}

function listOf(id: string, what: string): number[] {
  const text = $<HTMLInputElement>(id).value;
  const values = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`${what} must be a comma-separated list of numbers, got '${text}'`);
  }
  return values;
}

export interface LoadedFile {
  name: string;
  doc: unknown;
}

export class InputControls {
  private paper: PatternGeneratorConfig | null = null;
  private file: LoadedFile | null = null;

  constructor(private readonly onError: (message: string) => void) {
    $<HTMLSelectElement>('pattern').addEventListener('change', () => this.showKnobs());
    $<HTMLInputElement>('file').addEventListener('change', () => void this.readFile());
    this.showKnobs();
  }

  get pattern(): string {
    return $<HTMLSelectElement>('pattern').value;
  }

  /** Shows the paper's knobs for a cell's statistics. */
  setPaperInputs(config: PatternGeneratorConfig): void {
    this.paper = config;
    const box = $('paper-groups');
    box.replaceChildren();
    config.groups.forEach((g, i) => {
      const div = document.createElement('div');
      div.className = 'group';
      div.innerHTML =
        `<h3>${g.name}: spikes per 100 ms</h3><div class="row">` +
        `<label>exc from <input id="g${i}-elo" type="number" step="any" value="${g.excCount[0]}"></label>` +
        `<label>to <input id="g${i}-ehi" type="number" step="any" value="${g.excCount[1]}"></label></div>` +
        `<div class="row"><label>inh − exc from <input id="g${i}-dlo" type="number" step="any" value="${g.inhDelta[0]}"></label>` +
        `<label>to <input id="g${i}-dhi" type="number" step="any" value="${g.inhDelta[1]}"></label></div>`;
      box.append(div);
    });
    $<HTMLInputElement>('hold').value = config.holdOptionsMs.join(', ');
    $<HTMLInputElement>('sigma').value = config.sigmaOptionsMs.join(', ');
  }

  private showKnobs(): void {
    const p = this.pattern;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-pattern]'))) {
      el.hidden = !(el.dataset.pattern ?? '').split(' ').includes(p);
    }
  }

  private async readFile(): Promise<void> {
    const f = $<HTMLInputElement>('file').files?.[0];
    this.file = null;
    if (!f) return;
    try {
      this.file = { name: f.name, doc: JSON.parse(await f.text()) };
    } catch (err) {
      this.onError(`${f.name}: not a JSON input file (${(err as Error).message})`);
    }
  }

  /** The source the form describes for a cell with these synapse counts; throws a one-line error. */
  source(nExc: number, nInh: number): InputSource {
    const seed = numberOf('seed', 'the seed');
    const pattern = this.pattern;
    if (pattern === 'file') return this.fileSource(nExc, nInh);
    const durationMs = Math.round(numberOf('duration', 'the duration') * 1000);
    if (pattern === 'silence') return new SilenceSource(durationMs);
    if (pattern === 'paper') return new PaperSource(this.paperConfig(), durationMs, seed);
    const rates = {
      nExc,
      nInh,
      durationMs,
      seed,
      excHz: numberOf('exc-hz', 'the excitatory rate'),
      inhHz: numberOf('inh-hz', 'the inhibitory rate'),
    };
    if (pattern === 'poisson') return new RateSource(rates);
    return new RateSource({
      ...rates,
      burstHz: numberOf('burst-hz', 'the burst rate'),
      periodMs: numberOf('period', 'the burst period'),
      widthMs: numberOf('width', 'the burst width'),
    });
  }

  private paperConfig(): PatternGeneratorConfig {
    if (!this.paper) throw new Error('the cell of this model has not loaded yet');
    const config: PatternGeneratorConfig = {
      ...this.paper,
      groups: this.paper.groups.map((g, i) => ({
        ...g,
        excCount: [numberOf(`g${i}-elo`, `${g.name} exc from`), numberOf(`g${i}-ehi`, `${g.name} exc to`)],
        inhDelta: [
          numberOf(`g${i}-dlo`, `${g.name} inh − exc from`),
          numberOf(`g${i}-dhi`, `${g.name} inh − exc to`),
        ],
      })),
      holdOptionsMs: listOf('hold', 'the hold options'),
      sigmaOptionsMs: listOf('sigma', 'the σ options'),
    };
    validatePatternConfig(config);
    return config;
  }

  private fileSource(nExc: number, nInh: number): InputSource {
    if (!this.file) throw new Error('choose an input file first');
    const { name, doc } = this.file;
    const given = doc as { durationMs?: unknown };
    const durationMs =
      typeof doc === 'object' && doc !== null && given.durationMs === undefined
        ? Math.round(numberOf('duration', 'the duration') * 1000)
        : undefined;
    try {
      return new GivenSource(parseInputsJson(doc, { nExc, nInh, durationMs }), name);
    } catch (err) {
      if (err instanceof InputsJsonError) throw new Error(`${name}: ${err.message}`);
      throw err;
    }
  }
}
