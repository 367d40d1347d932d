/**
 * The WebSocket endpoint /stream. Frames reach `onFrame` undecoded (see frame-parser.ts); decoding
 * happens here so that a bad frame can be answered on its own socket.
 */
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { decodeClient } from '../../proto/codec.js';
import { ProtocolError } from '../../proto/messages.js';
import { HARD_FRAME_LIMIT_BYTES, STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { FRAME_EVENT, type RawFrame } from './frame-parser.js';
import { SessionHub } from './session-hub.js';
import { Session } from './session.js';
import { SocketFlow, type SlowConsumer } from './socket-flow.js';

@WebSocketGateway({ path: '/stream', maxPayload: HARD_FRAME_LIMIT_BYTES })
export class StreamGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('StreamGateway');
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly flows = new Map<WebSocket, SocketFlow>();

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(SessionHub) private readonly hub: SessionHub,
  ) {}

  handleConnection(client: WebSocket): void {
    const flow = new SocketFlow(
      client,
      {
        pauseBytes: this.config.outputPauseBytes,
        dropBytes: this.config.outputDropBytes,
        slowConsumerMs: this.config.slowConsumerMs,
      },
      (info) => this.dropSlowConsumer(client, info),
      () => this.hub.countFlow('outputPause'),
    );
    this.flows.set(client, flow);
    this.sessions.set(client, this.hub.createSession(flow));
  }

  /** An error frame, then the close; the session stops at once (ws ends the socket if the close stalls). */
  private dropSlowConsumer(client: WebSocket, info: SlowConsumer): void {
    const session = this.sessions.get(client);
    if (!session) return;
    this.sessions.delete(client);
    this.hub.countFlow('slowConsumer');
    const text =
      `the client did not read its outputs: ${info.bufferedBytes} bytes unsent ` +
      `(pause bound ${this.config.outputPauseBytes} B for ${Math.round(info.overMs)} ms, drop bound ${this.config.outputDropBytes} B)`;
    this.logger.warn(`session ${session.id} dropped: ${text}`);
    session.fail(new ProtocolError('SLOW_CONSUMER', text), session.binaryReplies);
    client.close(1008, 'SLOW_CONSUMER');
    void session.dispose().catch((err: Error) => this.logger.error(`session cleanup failed: ${err.message}`));
  }

  handleDisconnect(client: WebSocket): void {
    const session = this.sessions.get(client);
    this.sessions.delete(client);
    this.flows.get(client)?.dispose();
    this.flows.delete(client);
    void session
      ?.dispose()
      .catch((err: Error) => this.logger.error(`session cleanup failed: ${err.message}`));
  }

  @SubscribeMessage(FRAME_EVENT)
  onFrame(@ConnectedSocket() client: WebSocket, @MessageBody() frame: RawFrame): void {
    const session = this.sessions.get(client);
    if (!session) return;
    const binary = typeof frame !== 'string';
    const size = binary ? frame.byteLength : Buffer.byteLength(frame);
    if (size > this.config.maxFrameBytes) {
      session.fail(
        new ProtocolError(
          'FRAME_TOO_LARGE',
          `frame of ${size} bytes exceeds the limit of ${this.config.maxFrameBytes}`,
        ),
        binary,
      );
      return;
    }
    try {
      session.receive(decodeClient(frame), binary);
    } catch (err) {
      if (err instanceof ProtocolError) session.fail(err, binary);
      else session.fail(new ProtocolError('INTERNAL', (err as Error).message), binary);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.dispose()));
    this.sessions.clear();
  }
}
