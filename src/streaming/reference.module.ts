/** Reference neurons: the cell registry's factory and the launcher that runs them (worker or inline). */
import { Module } from '@nestjs/common';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { cellRegistryNeurons } from './neuron-factory.js';
import { ReferenceLauncher } from './reference-launcher.js';

@Module({
  providers: [
    {
      provide: ReferenceLauncher,
      useFactory: (config: StreamingConfig) =>
        new ReferenceLauncher(cellRegistryNeurons, config.preferWorker, { ...config.referenceIntegration }),
      inject: [STREAMING_CONFIG],
    },
  ],
  exports: [ReferenceLauncher],
})
export class ReferenceModule {}
