/**
 * Starts the reference neuron of a session: in the reference worker pool (started with the launcher,
 * its workers build their neurons from the cell registry) when allowed and the compiled worker
 * exists, otherwise in this thread from `factory`. Provided by ReferenceModule; tests replace it
 * with one around a fake neuron.
 */
import type { OnModuleDestroy } from '@nestjs/common';
import type { NeuronFactory } from './neuron-factory.js';
import { ReferencePool } from './reference-pool.js';
import {
  InlineReferenceRunner,
  referenceWorkerScript,
  type ReferenceCallbacks,
  type ReferenceRunner,
} from './reference-runner.js';
import type { ReferenceStepperOptions } from './reference-stepper.js';

export interface ReferencePoolSettings {
  /** worker threads */
  workers: number;
  /** cells every worker builds once at start */
  prewarm?: string[];
}

export class ReferenceLauncher implements OnModuleDestroy {
  private readonly pool: ReferencePool | null;

  constructor(
    private readonly factory: NeuronFactory,
    /** false keeps every reference in this thread (required for a factory other than the registry's) */
    useWorkers: boolean,
    /** cell options of every reference (e.g. the integration `method` and `dt`); cloned into workers */
    private readonly cellOptions: Record<string, unknown> = {},
    pool: ReferencePoolSettings = { workers: 1 },
  ) {
    const script = useWorkers ? referenceWorkerScript() : null;
    this.pool = script
      ? new ReferencePool(script, { size: pool.workers, cellOptions, prewarm: pool.prewarm ?? [] })
      : null;
  }

  get mode(): 'worker' | 'inline' {
    return this.pool ? 'worker' : 'inline';
  }

  /** reference worker threads (0 inline) */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /** Resolves once the pool's workers have started and built their prewarmed cells. */
  async warm(): Promise<void> {
    await this.pool?.warm();
  }

  start(cell: string, callbacks: ReferenceCallbacks, options: ReferenceStepperOptions = {}): ReferenceRunner {
    if (this.pool) return this.pool.start(cell, callbacks, options);
    return new InlineReferenceRunner(cell, this.factory, callbacks, options, this.cellOptions);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }
}
