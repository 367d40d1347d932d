/**
 * Redis connections of the queue path. The first connection is made with a short timeout and no
 * retries, so that a wrong address fails at once with a one-line message; once it is up, ioredis
 * reconnects on its own (BullMQ's blocking connections need maxRetriesPerRequest: null).
 */
import { Redis } from 'ioredis';
import { parseRedisUrl, type RedisAddress } from './redis-url.js';

const CONNECT_TIMEOUT_MS = 5000;

/** Options both ioredis and BullMQ take (each has its own type for them). */
export interface ConnectionFields {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: null;
}

export function connectionOptions(address: RedisAddress): ConnectionFields {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username !== undefined ? { username: address.username } : {}),
    ...(address.password !== undefined ? { password: address.password } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A connected client for our own keys; rejects with "cannot reach Redis at …" when it cannot. */
export async function connectRedis(url: string): Promise<{ redis: Redis; address: RedisAddress }> {
  const address = parseRedisUrl(url);
  const redis = new Redis({
    ...connectionOptions(address),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    // after a failed connect ioredis keeps a timer this long before it destroys the socket
    disconnectTimeout: 100,
  });
  let socketError: Error | undefined;
  redis.on('error', (err: Error) => {
    // the socket's own error (ECONNREFUSED, …) says more than connect()'s "Connection is closed"
    socketError ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${address.display}: ${(socketError ?? (err as Error)).message}`);
  }
  // from now on, ride out short outages like BullMQ's own connections do
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return { redis, address };
}
