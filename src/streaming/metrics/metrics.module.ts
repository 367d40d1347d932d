/** The metrics registry, visible to every module (the model pool observes inference with it), and GET /metrics. */
import { Global, Module } from '@nestjs/common';
import { TokenGuard } from '../ops/token.guard.js';
import { MetricsController } from './metrics.controller.js';
import { StreamMetrics } from './stream-metrics.js';

@Global()
@Module({
  providers: [{ provide: StreamMetrics, useFactory: () => new StreamMetrics() }, TokenGuard],
  controllers: [MetricsController],
  exports: [StreamMetrics],
})
export class MetricsModule {}
