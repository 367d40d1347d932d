/**
 * The WebSocket adapter of /stream: Nest's WsAdapter with the token checked at the upgrade, so that
 * a client without the right token gets an HTTP 401 and never a socket.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { isAuthorized } from './token.js';

type WsAdapterOptions = ConstructorParameters<typeof WsAdapter>[1];
type VerifyCallback = (
  ok: boolean,
  code?: number,
  message?: string,
  headers?: Record<string, string>,
) => void;

export class StreamAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly token: string | null,
    options?: WsAdapterOptions,
  ) {
    super(app, options);
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
