/**
 * The start-up log: which models are served (and the default), every model directory skipped with
 * its reason, a missing models folder, and whether clients need a token.
 */
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { ModelRegistry } from '../../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from '../config.js';
import { EventLog } from './event-log.js';

@Injectable()
export class StartupReport implements OnApplicationBootstrap {
  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const log = new EventLog('Startup', this.config.logFormat);
    const dir = this.registry.dir;
    const ids = this.registry.ids();
    if (!existsSync(dir))
      log.warn('models folder missing', { dir, reason: 'no such directory; serving no models' });
    for (const p of this.registry.problems) log.warn('model skipped', { dir: p.dir, reason: p.error });
    const d = this.config.defaultModel;
    log.info('models served', {
      dir,
      count: ids.length,
      models: ids.join(',') || 'none',
      default: d !== null && this.registry.get(d) ? d : 'none',
    });
    if (d !== null && !this.registry.get(d))
      log.warn('default model not installed', { model: d, reason: 'opens that name no model are refused' });
    const c = this.config;
    log.info('limits', {
      maxSessions: c.maxSessions,
      maxConnections: c.maxConnections,
      maxConnectionsPerAddress: c.maxConnectionsPerAddress,
      maxOpensPerMinute: c.maxOpensPerMinute,
      idleTimeoutS: c.idleTimeoutMs / 1000,
      heartbeatS: c.heartbeatMs / 1000,
      auth: c.token === null ? 'off' : 'token',
    });
  }
}
