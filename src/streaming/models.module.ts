/** Models: the registry read from the models directory and the pool of loaded step graphs. */
import { Module } from '@nestjs/common';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { StreamMetrics } from './metrics/stream-metrics.js';
import { ModelPool } from './model-pool.js';

@Module({
  providers: [
    {
      provide: ModelRegistry,
      useFactory: (config: StreamingConfig) => ModelRegistry.load(config.modelsDir),
      inject: [STREAMING_CONFIG],
    },
    {
      provide: ModelPool,
      useFactory: (registry: ModelRegistry, config: StreamingConfig, metrics: StreamMetrics) =>
        new ModelPool(registry, config.maxBatch, (id) => metrics.inferenceObserver(id)),
      inject: [ModelRegistry, STREAMING_CONFIG, StreamMetrics],
    },
  ],
  exports: [ModelRegistry, ModelPool],
})
export class ModelsModule {}
