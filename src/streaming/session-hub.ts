/** Creates the sessions and owns what they share: the session count and their dependencies. */
import { Inject, Injectable } from '@nestjs/common';
import { ModelRegistry } from '../registry/registry.js';
import { STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { ModelPool } from './model-pool.js';
import { ReferenceLauncher } from './reference-launcher.js';
import { Session, type FlowEvent, type SessionLink } from './session.js';

/** room in the input credit for the bins a reference neuron holds back (its output delay) */
const REFERENCE_HOLD_MARGIN_BINS = 16;

@Injectable()
export class SessionHub {
  private openSessions = 0;
  private nextId = 1;
  private readonly flowCounts: Record<FlowEvent, number> = {
    inputPause: 0,
    inputOverrun: 0,
    outputPause: 0,
    slowConsumer: 0,
  };

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(ModelRegistry) private readonly registry: ModelRegistry,
    @Inject(ModelPool) private readonly pool: ModelPool,
    @Inject(ReferenceLauncher) private readonly references: ReferenceLauncher,
  ) {
    // a reference holds back its output delay (1 bin for the compartmental cells) until close, so
    // the credit must leave room for a largest chunk beside it
    if (!(config.inputCreditBins >= config.maxBinsPerChunk + REFERENCE_HOLD_MARGIN_BINS))
      throw new RangeError(
        `inputCreditBins (${config.inputCreditBins}) must be at least maxBinsPerChunk + ${REFERENCE_HOLD_MARGIN_BINS} (${config.maxBinsPerChunk + REFERENCE_HOLD_MARGIN_BINS})`,
      );
  }

  get sessionsOpen(): number {
    return this.openSessions;
  }

  /** how often, since the start, sessions paused their input, refused a chunk, paused for their output, were dropped */
  get flow(): Readonly<Record<FlowEvent, number>> {
    return { ...this.flowCounts };
  }

  countFlow(event: FlowEvent): void {
    this.flowCounts[event]++;
  }

  /** `admitOpen` runs when an open takes a slot and may refuse it by throwing a ProtocolError. */
  createSession(link: SessionLink, admitOpen: () => void = () => {}): Session {
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
          inputCreditBins: this.config.inputCreditBins,
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
        countFlow: (event) => this.countFlow(event),
      },
      link,
    );
  }
}
