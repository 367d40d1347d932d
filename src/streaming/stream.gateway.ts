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
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { decodeClient, encodeServerBinary, encodeServerJson } from '../../proto/codec.js';
import { ProtocolError, clip, type ClientMessage, type ServerMessage } from '../../proto/messages.js';
import { RateLimitedLog } from '../core/rate-limited-log.js';
import { HARD_FRAME_LIMIT_BYTES, STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { FRAME_EVENT, frameText, type RawFrame } from './frame-parser.js';
import { ConnectionRegistry } from './ops/connection-registry.js';
import { SessionHub } from './session-hub.js';
import { Session } from './session.js';

// ws's own UTF-8 check would close the socket (1007) without an answer; onFrame checks instead
@WebSocketGateway({ path: '/stream', maxPayload: HARD_FRAME_LIMIT_BYTES, skipUTF8Validation: true })
export class StreamGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('StreamGateway');
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly decodeFailures = new RateLimitedLog((line) => this.logger.error(line));

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(SessionHub) private readonly hub: SessionHub,
    @Inject(ConnectionRegistry) private readonly connections: ConnectionRegistry,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const conn = this.connections.admit(client, request);
    if (!conn) return;
    const send = (msg: ServerMessage, binary: boolean) => {
      if (client.readyState !== client.OPEN) return;
      client.send(binary ? encodeServerBinary(msg) : encodeServerJson(msg), { binary });
    };
    const session = this.hub.createSession(conn.observe(send), () => conn.admitOpen());
    conn.attach(session);
    this.sessions.set(client, session);
  }

  handleDisconnect(client: WebSocket): void {
    const session = this.sessions.get(client);
    this.connections.release(client);
    this.sessions.delete(client);
    void session
      ?.dispose()
      .catch((err: Error) => this.logger.error(`session cleanup failed: ${err.message}`));
  }

  @SubscribeMessage(FRAME_EVENT)
  onFrame(@ConnectedSocket() client: WebSocket, @MessageBody() frame: RawFrame): void {
    const session = this.sessions.get(client);
    if (!session) return;
    const { bytes, binary } = frame;
    if (bytes.byteLength > this.config.maxFrameBytes) {
      session.fail(
        new ProtocolError(
          'FRAME_TOO_LARGE',
          `frame of ${bytes.byteLength} bytes exceeds the limit of ${this.config.maxFrameBytes}`,
        ),
        binary,
      );
      return;
    }
    let msg: ClientMessage;
    try {
      msg = decodeClient(binary ? bytes : frameText(bytes));
    } catch (err) {
      if (err instanceof ProtocolError) session.fail(err, binary);
      else {
        // a decoder bug, not a bad frame: worth a log line (rate-limited: clients choose the input)
        const text = clip(String(err));
        this.decodeFailures.log(
          'decoder failure',
          `decoding a ${bytes.byteLength}-byte frame failed: ${text}`,
        );
        session.fail(new ProtocolError('INTERNAL', `cannot decode the frame: ${text}`), binary);
      }
      return;
    }
    session.receive(msg, binary);
  }

  async onModuleDestroy(): Promise<void> {
    this.decodeFailures.flush();
    await Promise.all([...this.sessions.values()].map((s) => s.dispose()));
    this.sessions.clear();
  }
}
