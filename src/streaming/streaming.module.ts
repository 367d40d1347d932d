/** The stream: the WebSocket gateway on /stream and the sessions it serves. */
import { Module } from '@nestjs/common';
import { ModelsModule } from './models.module.js';
import { OperationsModule } from './ops/operations.module.js';
import { ReferenceModule } from './reference.module.js';
import { SessionHub } from './session-hub.js';
import { StreamGateway } from './stream.gateway.js';

@Module({
  imports: [ModelsModule, ReferenceModule, OperationsModule],
  providers: [SessionHub, StreamGateway],
  exports: [SessionHub],
})
export class StreamingModule {}
