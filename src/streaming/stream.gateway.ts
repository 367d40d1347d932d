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
import { decodeClient } from '../../proto/codec.js';
import { readPackedInputChunk } from '../../proto/input-chunk-wire.js';
import { ProtocolError, clip, type ClientMessage } from '../../proto/messages.js';
import { RateLimitedLog } from '../core/rate-limited-log.js';
import { HARD_FRAME_LIMIT_BYTES, STREAMING_CONFIG, type StreamingConfig } from './config.js';
import { FRAME_EVENT, frameText, type RawFrame } from './frame-parser.js';
import { ConnectionRegistry } from './ops/connection-registry.js';
import { SessionHub } from './session-hub.js';
import { Session, type SessionLink } from './session.js';
import { SocketFlow, type SlowConsumer } from './socket-flow.js';

// ws's own UTF-8 check would close the socket (1007) without an answer; onFrame checks instead
// compression is off (ws's default, stated here): frames of float32 data hardly compress and
// deflate would cost more time than the loopback or LAN saves
// no synchronous events: ws hands over each frame in a turn of its own (setImmediate), so one
// socket read of hundreds of frames (a flood) cannot hold the event loop, and the other sessions'
// timers and frames run between them
@WebSocketGateway({
  path: '/stream',
  maxPayload: HARD_FRAME_LIMIT_BYTES,
  skipUTF8Validation: true,
  perMessageDeflate: false,
  allowSynchronousEvents: false,
})
export class StreamGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('StreamGateway');
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly flows = new Map<WebSocket, SocketFlow>();
  private readonly decodeFailures = new RateLimitedLog((line) => this.logger.error(line));

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(SessionHub) private readonly hub: SessionHub,
    @Inject(ConnectionRegistry) private readonly connections: ConnectionRegistry,
  ) {}

  handleConnection(client: WebSocket, request: IncomingMessage): void {
    const conn = this.connections.admit(client, request);
    if (!conn) return;
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
    const link: SessionLink = {
      send: conn.observe((msg, binary) => flow.send(msg, binary)),
      holdInput: (hold) => flow.holdInput(hold),
    };
    const session = this.hub.createSession(link, () => conn.admitOpen());
    conn.attach(session);
    this.sessions.set(client, session);
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
    this.connections.release(client);
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
    // most frames are single-neuron input chunks: read straight into spike trains; anything else
    // (and every malformed frame) goes through the strict decoder
    const packed = binary ? readPackedInputChunk(bytes) : null;
    if (packed) {
      session.receive({ packedChunk: packed }, binary);
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
