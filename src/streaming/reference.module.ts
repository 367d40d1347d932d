/**
 * Reference neurons: the cell registry's factory and the launcher that runs them (the worker pool,
 * started here with the server and prewarmed with the served models' cells, or inline).
 */
import { Module } from '@nestjs/common';
import { knownCells } from '../reference/cells/registry.js';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { ModelsModule } from './models.module.js';
import { cellRegistryNeurons } from './neuron-factory.js';
import { ReferenceLauncher } from './reference-launcher.js';

@Module({
  imports: [ModelsModule],
  providers: [
    {
      provide: ReferenceLauncher,
      useFactory: (config: StreamingConfig, registry: ModelRegistry) => {
        const known = new Set(knownCells());
        const served = registry.ids().map((id) => registry.get(id)?.manifest.neuron);
        const prewarm = [...new Set(served)].filter((c): c is string => c !== undefined && known.has(c));
        return new ReferenceLauncher(
          cellRegistryNeurons,
          config.preferWorker,
          { ...config.referenceIntegration },
          {
            workers: config.referenceWorkers,
            prewarm,
          },
        );
      },
      inject: [STREAMING_CONFIG, ModelRegistry],
    },
  ],
  exports: [ReferenceLauncher],
})
export class ReferenceModule {}
