/** HTTP: GET /health and GET /models. */
import { Module } from '@nestjs/common';
import { HttpController } from './http.controller.js';
import { ModelsModule } from './models.module.js';
import { StreamingModule } from './streaming.module.js';

@Module({
  imports: [ModelsModule, StreamingModule],
  controllers: [HttpController],
})
export class HttpModule {}
