/** Creates the sessions and owns what they share: the session count and their dependencies. */
import { Inject, Injectable } from '@nestjs/common';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { ModelPool } from './model-pool.js';
import { ReferenceLauncher } from './reference-launcher.js';
import { Session, type SendFn } from './session.js';

@Injectable()
export class SessionHub {
  private openSessions = 0;
  private nextId = 1;

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
    @Inject(ModelPool) private readonly pool: ModelPool,
    @Inject(ReferenceLauncher) private readonly references: ReferenceLauncher,
  ) {}

  get sessionsOpen(): number {
    return this.openSessions;
  }

  /** `admitOpen` runs when an open takes a slot and may refuse it by throwing a ProtocolError. */
  createSession(send: SendFn, admitOpen: () => void = () => {}): Session {
    const id = `s${this.nextId++}`;
    return new Session(
      id,
      {
        registry: this.registry,
        pool: this.pool,
        references: this.references,
        defaultModel: this.config.defaultModel,
        limits: {
          maxBinsPerChunk: this.config.maxBinsPerChunk,
          maxFrameBytes: this.config.maxFrameBytes,
          maxNeuronsPerSession: this.config.maxNeuronsPerSession,
        },
        acquireSlot: () => {
          if (this.openSessions >= this.config.maxSessions) return false;
          admitOpen();
          this.openSessions++;
          return true;
        },
        releaseSlot: () => {
          this.openSessions = Math.max(0, this.openSessions - 1);
        },
      },
      send,
    );
  }
}
