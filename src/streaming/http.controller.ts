/** GET /health and GET /models. */
import { Controller, Get, Inject } from '@nestjs/common';
import { summarize, type ModelSummary } from '../registry/registry.js';
import { SessionHub } from './session-hub.js';

@Controller()
export class HttpController {
  constructor(@Inject(SessionHub) private readonly hub: SessionHub) {}

  @Get('health')
  health(): {
    status: 'ok';
    models: number;
    sessions: number;
    modelProblems: { dir: string; error: string }[];
  } {
    return {
      status: 'ok',
      models: this.hub.registry.ids().length,
      sessions: this.hub.sessionsOpen,
      modelProblems: this.hub.registry.problems,
    };
  }

  @Get('models')
  models(): ModelSummary[] {
    return this.hub.registry.ids().map((id) => summarize(this.hub.registry.get(id)!.manifest));
  }
}
