/**
 * How a session's reference neuron runs: the runner interface (outputs arrive in bin order through
 * the callbacks), the inline runner (this thread, one chunk per macrotask) and where the compiled
 * worker script of the reference pool is (next to this module in dist/, or dist/ of the project
 * root when this module runs from TypeScript sources, e.g. under Jest).
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BinnedSpikes } from '../core/spikes.js';
import {
  ReferenceStepper,
  type ReferenceOutputs,
  type ReferenceStepperOptions,
} from './reference-stepper.js';
import type { NeuronFactory } from './neuron-factory.js';

export interface ReferenceInfo {
  nExc: number;
  nInh: number;
  outputDelay: number;
  /** dendritic voltages per output bin (0 unless requested) */
  nDendrites: number;
}

export interface ReferenceCallbacks {
  output(out: ReferenceOutputs): void;
  error(err: Error): void;
}

export interface ReferenceRunner {
  readonly mode: 'worker' | 'inline';
  /** resolves once the neuron is built */
  readonly ready: Promise<ReferenceInfo>;
  push(bins: BinnedSpikes): void;
  /** completes the bins held back by the output delay; resolves after their output was delivered */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** A reference in this thread, one chunk per macrotask (no worker script, or a factory of its own). */
export class InlineReferenceRunner implements ReferenceRunner {
  readonly mode = 'inline' as const;
  readonly ready: Promise<ReferenceInfo>;
  private stepper: ReferenceStepper | null = null;
  private chain: Promise<void>;
  private stopped = false;

  constructor(
    cell: string,
    factory: NeuronFactory,
    private readonly cb: ReferenceCallbacks,
    options: ReferenceStepperOptions,
    cellOptions: Record<string, unknown>,
  ) {
    this.ready = (async () => {
      const neuron = await factory(cell, cellOptions);
      this.stepper = new ReferenceStepper(neuron, options);
      return {
        nExc: neuron.nExc,
        nInh: neuron.nInh,
        outputDelay: neuron.outputDelay,
        nDendrites: this.stepper.nDendrites,
      };
    })();
    this.ready.catch(() => undefined);
    this.chain = this.ready.then(
      () => undefined,
      () => undefined,
    );
  }

  private enqueue(work: (s: ReferenceStepper) => ReferenceOutputs): Promise<void> {
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            if (!this.stopped && this.stepper) {
              try {
                this.cb.output(work(this.stepper));
              } catch (err) {
                this.cb.error(err as Error);
              }
            }
            resolve();
          }),
        ),
    );
    return this.chain;
  }

  push(bins: BinnedSpikes): void {
    void this.enqueue((s) => s.step(bins));
  }

  flush(): Promise<void> {
    return this.enqueue((s) => s.flush());
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/** The compiled reference worker script, or null when there is none (dist/ not built). */
export function referenceWorkerScript(): URL | null {
  if (!import.meta.url.startsWith('file:')) return null;
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'reference-worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return pathToFileURL(sibling);
  const marker = `${sep}src${sep}streaming${sep}`;
  const at = here.lastIndexOf(marker);
  if (at < 0) return null;
  const compiled = join(here.slice(0, at), 'dist', 'src', 'streaming', 'reference-worker.js');
  return existsSync(compiled) ? pathToFileURL(compiled) : null;
}
