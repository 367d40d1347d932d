/**
 * The WebSocket adapter of /stream. Nest's WsAdapter JSON-parses every frame, drops binary ones and
 * hands text frames over as strings that ws has already decoded (and, with UTF-8 validation on,
 * closes the socket with 1007 on invalid text, without an answer). This one hands every frame
 * over undecoded, as bytes with its kind, to the gateway's FRAME_EVENT handler, which answers bad
 * ones itself; the gateway therefore turns ws's own UTF-8 check off (`skipUTF8Validation`) and
 * checks text frames with `frameText`. Socket errors are logged one line each, rate-limited.
 */
import { isUtf8 } from 'node:buffer';
import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { WebSocket, WebSocketServer, RawData } from 'ws';
import { ProtocolError } from '../../proto/messages.js';
import { RateLimitedLog } from '../core/rate-limited-log.js';

export const FRAME_EVENT = 'frame';

/** One WebSocket frame as it came off the socket: protobuf when binary, else (unchecked) UTF-8 JSON. */
export interface RawFrame {
  bytes: Uint8Array;
  binary: boolean;
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** The text of a text frame; BAD_FRAME when it is not valid UTF-8. */
export function frameText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new ProtocolError('BAD_FRAME', 'text frame is not valid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export class FrameWsAdapter extends WsAdapter {
  private readonly log = new Logger('StreamSocket');
  private readonly limited = new RateLimitedLog((line) => this.log.warn(line));

  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    // handlers answer on the socket themselves; nothing they return is sent
    _transform: unknown,
  ): void {
    const handler = handlers.find((h) => h.message === FRAME_EVENT);
    if (!handler) return;
    client.on('message', (data: RawData, isBinary: boolean) => {
      const frame: RawFrame = { bytes: bytesOf(data), binary: isBinary };
      try {
        void Promise.resolve(handler.callback(frame, FRAME_EVENT)).catch((err: unknown) =>
          this.limited.log('frame handler', `frame handler failed: ${String(err)}`),
        );
      } catch (err) {
        this.limited.log('frame handler', `frame handler failed: ${String(err)}`);
      }
    });
  }

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    // e.g. a frame over maxPayload: ws closes the socket (1009) and reports it here
    server.on('connection', (ws: WebSocket) =>
      ws.on('error', (err: Error & { code?: string }) =>
        this.limited.log('socket error', `socket error: ${err.message}${err.code ? ` (${err.code})` : ''}`),
      ),
    );
    server.on('error', (err: Error) => this.log.error(`WebSocket server error: ${err.message}`));
    return server;
  }

  override async dispose(): Promise<void> {
    this.limited.flush();
    await super.dispose();
  }
}
