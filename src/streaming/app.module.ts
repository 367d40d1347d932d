/** The whole server: the settings (visible to every module) and the domain modules. */
import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HttpModule } from './http.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelsModule } from './models.module.js';
import { ReferenceModule } from './reference.module.js';
import { StreamingModule } from './streaming.module.js';

@Module({})
export class AppModule {
  static forRoot(config: StreamingConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [MetricsModule, ModelsModule, ReferenceModule, StreamingModule, HttpModule, DashboardModule],
      providers: [{ provide: STREAMING_CONFIG, useValue: config }],
      exports: [STREAMING_CONFIG],
    };
  }
}
