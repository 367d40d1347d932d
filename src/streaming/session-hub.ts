/** Owns what sessions share: the model registry, the loaded models, and the session count. */
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { ModelPool } from './model-pool.js';
import { loadNeuronFactory } from './neuron-factory.js';
import { Session, type SendFn } from './session.js';

@Injectable()
export class SessionHub implements OnModuleDestroy {
  readonly registry: ModelRegistry;
  readonly pool: ModelPool;
  private openSessions = 0;
  private nextId = 1;

  constructor(@Inject(STREAMING_CONFIG) private readonly config: StreamingConfig) {
    this.registry = ModelRegistry.load(config.modelsDir);
    this.pool = new ModelPool(this.registry, config.maxBatch);
  }

  get sessionsOpen(): number {
    return this.openSessions;
  }

  createSession(send: SendFn): Session {
    const id = `s${this.nextId++}`;
    return new Session(
      id,
      {
        registry: this.registry,
        pool: this.pool,
        neuronFactory: this.config.neuronFactory ?? loadNeuronFactory,
        referenceOptions: { ...this.config.referenceIntegration },
        // a factory given in the config lives in this thread and cannot run in a worker
        preferWorker: this.config.preferWorker && !this.config.neuronFactory,
        limits: { maxBinsPerChunk: this.config.maxBinsPerChunk, maxFrameBytes: this.config.maxFrameBytes },
        acquireSlot: () => {
          if (this.openSessions >= this.config.maxSessions) return false;
          this.openSessions++;
          return true;
        },
        releaseSlot: () => {
          this.openSessions = Math.max(0, this.openSessions - 1);
        },
      },
      send,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.dispose();
  }
}
