/**
 * Optional token authentication: a client presents the server's token as `Authorization: Bearer …`
 * or as a `token` query parameter (browsers cannot set headers on a WebSocket).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token a request presents (the header wins over the query parameter); null when none. */
export function presentedToken(req: Pick<IncomingMessage, 'headers' | 'url'>): string | null {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : null;
  }
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  return query ?? null;
}

/** Constant-time comparison: both sides are hashed first so that neither length nor content leaks. */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** True when the server needs no token or the request carries the right one. */
export function isAuthorized(token: string | null, req: Pick<IncomingMessage, 'headers' | 'url'>): boolean {
  return token === null || tokenMatches(token, presentedToken(req));
}
