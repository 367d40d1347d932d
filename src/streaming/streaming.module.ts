import { Module, type DynamicModule } from '@nestjs/common';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { HttpController } from './http.controller.js';
import { CellController } from './dashboard/cell.controller.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { SessionHub } from './session-hub.js';
import { StreamGateway } from './stream.gateway.js';

@Module({})
export class StreamingModule {
  static forRoot(config: StreamingConfig): DynamicModule {
    return {
      module: StreamingModule,
      controllers: [HttpController, CellController, DashboardController],
      providers: [{ provide: STREAMING_CONFIG, useValue: config }, SessionHub, StreamGateway],
    };
  }
}
