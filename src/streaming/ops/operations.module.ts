/** Operations of the stream: connection admission and liveness, and the start-up report. */
import { Module } from '@nestjs/common';
import { ModelsModule } from '../models.module.js';
import { ConnectionRegistry } from './connection-registry.js';
import { StartupReport } from './startup-report.js';

@Module({
  imports: [ModelsModule],
  providers: [ConnectionRegistry, StartupReport],
  exports: [ConnectionRegistry],
})
export class OperationsModule {}
