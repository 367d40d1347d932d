/** Guards an HTTP route with the server's token (see token.ts); 401 when missing or wrong. */
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { STREAMING_CONFIG, type StreamingConfig } from '../config.js';
import { isAuthorized } from './token.js';

@Injectable()
export class TokenGuard implements CanActivate {
  constructor(@Inject(STREAMING_CONFIG) private readonly config: StreamingConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<IncomingMessage>();
    if (isAuthorized(this.config.token, req)) return true;
    throw new UnauthorizedException('missing or wrong token (Authorization: Bearer … or ?token=)');
  }
}
