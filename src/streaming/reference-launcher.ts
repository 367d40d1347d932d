/**
 * Starts the reference neuron of a session: in a worker thread (the compiled worker builds its neuron
 * from the cell registry) when allowed and available, otherwise in this thread from `factory`.
 * Provided by ReferenceModule; tests replace it with one around a fake neuron.
 */
import type { NeuronFactory } from './neuron-factory.js';
import { startReferenceRunner, type ReferenceCallbacks, type ReferenceRunner } from './reference-runner.js';
import type { ReferenceStepperOptions } from './reference-stepper.js';

export class ReferenceLauncher {
  constructor(
    private readonly factory: NeuronFactory,
    /** false keeps every reference in this thread (required for a factory other than the registry's) */
    private readonly useWorkers: boolean,
    /** cell options of every reference (e.g. the integration `method` and `dt`); cloned into workers */
    private readonly cellOptions: Record<string, unknown> = {},
  ) {}

  start(cell: string, callbacks: ReferenceCallbacks, options: ReferenceStepperOptions = {}): ReferenceRunner {
    return startReferenceRunner(cell, this.factory, callbacks, this.useWorkers, options, this.cellOptions);
  }
}
