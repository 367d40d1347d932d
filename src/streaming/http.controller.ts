/** GET /health and GET /models. */
import { Controller, Get, Inject } from '@nestjs/common';
import { ModelRegistry, type ModelSummary } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { SessionHub } from './session-hub.js';

@Controller()
export class HttpController {
  constructor(
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
    @Inject(SessionHub) private readonly hub: SessionHub,
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
  ) {}

  @Get('health')
  health(): {
    status: 'ok';
    models: number;
    /** served to an open that names no model; null when unset or not installed */
    defaultModel: string | null;
    sessions: number;
    modelProblems: { dir: string; error: string }[];
  } {
    const d = this.config.defaultModel;
    return {
      status: 'ok',
      models: this.registry.ids().length,
      defaultModel: d !== null && this.registry.get(d) ? d : null,
      sessions: this.hub.sessionsOpen,
      modelProblems: this.registry.problems,
    };
  }

  @Get('models')
  models(): ModelSummary[] {
    return this.registry.list();
  }
}
