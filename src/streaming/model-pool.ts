/**
 * One loaded step graph and one batch scheduler per model id, shared by every session of that model,
 * so that concurrent streams of the same model are stepped together.
 */
import type { OnModuleDestroy } from '@nestjs/common';
import { BatchScheduler, type StepObserver } from '../inference/batch-scheduler.js';
import { StepModel } from '../inference/step-model.js';
import type { ModelRegistry } from '../registry/registry.js';

export class ModelPool implements OnModuleDestroy {
  private readonly schedulers = new Map<string, Promise<BatchScheduler>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly maxBatch: number,
    /** an observer for each model's scheduler (metrics); none by default */
    private readonly observerFor: (modelId: string) => StepObserver | undefined = () => undefined,
  ) {}

  /** The model's scheduler, loading the graph on first use; undefined for an unknown id. */
  scheduler(id: string): Promise<BatchScheduler> | undefined {
    const model = this.registry.get(id);
    if (!model) return undefined;
    let s = this.schedulers.get(id);
    if (!s) {
      s = StepModel.load(model.manifest, model.stepPath).then(
        (m) => new BatchScheduler(m, this.maxBatch, this.observerFor(id)),
      );
      s.catch(() => this.schedulers.delete(id));
      this.schedulers.set(id, s);
    }
    return s;
  }

  onModuleDestroy(): Promise<void> {
    return this.dispose();
  }

  async dispose(): Promise<void> {
    const all = [...this.schedulers.values()];
    this.schedulers.clear();
    for (const s of all) {
      try {
        await (await s).model.dispose();
      } catch {
        // a model that failed to load has nothing to release
      }
    }
  }
}
