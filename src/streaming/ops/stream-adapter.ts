/**
 * The WebSocket adapter of /stream: the frame adapter (frame-parser.ts) with the token checked at
 * the upgrade, so that a client without the right token gets an HTTP 401 and never a socket.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { FrameWsAdapter } from '../frame-parser.js';
import { isAuthorized } from './token.js';
type VerifyCallback = (
  ok: boolean,
  code?: number,
  message?: string,
  headers?: Record<string, string>,
) => void;

export class StreamAdapter extends FrameWsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly token: string | null,
  ) {
    super(app);
  }

  override create(port: number, options?: Parameters<WsAdapter['create']>[1]): unknown {
    const token = this.token;
    if (token === null) return super.create(port, options);
    const verifyClient = (info: { req: IncomingMessage }, done: VerifyCallback) => {
      if (isAuthorized(token, info.req)) done(true);
      else done(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
    };
    return super.create(port, { ...options, verifyClient });
  }
}
