/** GET /metrics: the Prometheus text exposition (needs the server's token when one is set). */
import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import { Registry } from 'prom-client';
import { TokenGuard } from '../ops/token.guard.js';
import { StreamMetrics } from './stream-metrics.js';

@Controller()
export class MetricsController {
  constructor(@Inject(StreamMetrics) private readonly metrics: StreamMetrics) {}

  @Get('metrics')
  @UseGuards(TokenGuard)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  metricsText(): Promise<string> {
    return this.metrics.text();
  }
}
