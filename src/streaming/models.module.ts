/** Models: the registry read from the models directory and the pool of loaded step graphs. */
import { Module } from '@nestjs/common';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
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
      useFactory: (registry: ModelRegistry, config: StreamingConfig) =>
        new ModelPool(registry, config.maxBatch),
      inject: [ModelRegistry, STREAMING_CONFIG],
    },
  ],
  exports: [ModelRegistry, ModelPool],
})
export class ModelsModule {}
