/**
 * Connection admission and liveness: at most `maxConnections` sockets, and `maxConnectionsPerAddress`
 * from one remote address (beyond: TOO_MANY_CONNECTIONS, then close 1013 "try again later"); a
 * connection that neither sends nor receives a frame for `idleTimeoutMs` gets IDLE_TIMEOUT and is
 * closed (1000); every `heartbeatMs` each socket is pinged and one that has not answered the
 * previous ping is dropped (HEARTBEAT_TIMEOUT, then terminated). Feeds the metrics' sampled gauges.
 */
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { encodeServerJson } from '../../../proto/codec.js';
import type { ErrorCode } from '../../../proto/messages.js';
import { STREAMING_CONFIG, type StreamingConfig } from '../config.js';
import { StreamMetrics, type MetricsSource, type SessionSample } from '../metrics/stream-metrics.js';
import { Connection } from './connection.js';
import { EventLog } from './event-log.js';

/** WebSocket close codes used here (RFC 6455 §7.4.1). */
const CLOSE_NORMAL = 1000;
const CLOSE_TRY_AGAIN_LATER = 1013;

@Injectable()
export class ConnectionRegistry implements MetricsSource, OnModuleDestroy {
  private readonly bySocket = new Map<WebSocket, Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly log: EventLog;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly now = () => performance.now();

  constructor(
    @Inject(STREAMING_CONFIG) private readonly config: StreamingConfig,
    @Inject(StreamMetrics) private readonly metrics: StreamMetrics,
  ) {
    this.log = new EventLog('Connections', config.logFormat);
    metrics.setSource(this);
    if (config.idleTimeoutMs > 0) {
      // checked a few times per timeout, so a connection is closed at most 25 % late
      this.every(Math.max(50, Math.min(5000, config.idleTimeoutMs / 4)), () => this.closeIdle());
    }
    if (config.heartbeatMs > 0) this.every(config.heartbeatMs, () => this.heartbeat());
  }

  /** A new socket: a Connection when admitted; otherwise an error frame is sent and it is closed. */
  admit(socket: WebSocket, request: IncomingMessage): Connection | null {
    const address = request.socket.remoteAddress ?? 'unknown';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.bySocket.size >= this.config.maxConnections) {
      this.refuse(
        socket,
        address,
        `the server has ${this.config.maxConnections} connections open, its limit`,
      );
      return null;
    }
    if (fromAddress >= this.config.maxConnectionsPerAddress) {
      this.refuse(
        socket,
        address,
        `${address} has ${this.config.maxConnectionsPerAddress} connections open, the limit per address`,
      );
      return null;
    }
    const conn = new Connection(socket, address, {
      metrics: this.metrics,
      log: new EventLog('Sessions', this.config.logFormat),
      maxOpensPerMinute: this.config.maxOpensPerMinute,
      now: this.now,
    });
    this.bySocket.set(socket, conn);
    this.perAddress.set(address, fromAddress + 1);
    socket.on('message', (_data, isBinary) => conn.touch(isBinary));
    socket.on('pong', () => (conn.alive = true));
    return conn;
  }

  /** The socket closed (whoever closed it). Unknown (refused) sockets are ignored. */
  release(socket: WebSocket): void {
    const conn = this.bySocket.get(socket);
    if (!conn) return;
    this.bySocket.delete(socket);
    const left = (this.perAddress.get(conn.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(conn.address, left);
    else this.perAddress.delete(conn.address);
    conn.ended();
  }

  connections(): number {
    return this.bySocket.size;
  }

  *sampleSessions(): Iterable<SessionSample> {
    for (const conn of this.bySocket.values()) {
      const s = conn.sample();
      if (s) yield s;
    }
  }

  /** Sessions still open when the server stops are logged as ended by shutdown. */
  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const conn of this.bySocket.values()) conn.closeReason ??= 'shutdown';
  }

  private refuse(socket: WebSocket, address: string, why: string): void {
    const code: ErrorCode = 'TOO_MANY_CONNECTIONS';
    this.metrics.connectionRefused(code);
    this.metrics.errorSent(code);
    this.log.warn('connection refused', { address, code, reason: why });
    // no frame has told us the client's encoding yet: JSON text, readable by every client
    socket.send(encodeServerJson({ error: { code, message: `${why}; try again later` } }));
    socket.close(CLOSE_TRY_AGAIN_LATER, code);
  }

  private closeIdle(): void {
    const limit = this.config.idleTimeoutMs;
    const now = this.now();
    for (const conn of this.bySocket.values()) {
      if (conn.closeReason !== null || now - conn.lastActivity < limit) continue;
      conn.closeReason = 'idle-timeout';
      conn.sendError('IDLE_TIMEOUT', `no frame in either direction for ${limit / 1000} s; closing`);
      conn.socket.close(CLOSE_NORMAL, 'IDLE_TIMEOUT');
    }
  }

  private heartbeat(): void {
    for (const conn of this.bySocket.values()) {
      if (conn.closeReason !== null) continue;
      // a socket the server paused (input backpressure) reads no pongs: that is not a dead peer
      if (conn.socket.isPaused) {
        conn.alive = true;
        continue;
      }
      if (!conn.alive) {
        conn.closeReason = 'heartbeat';
        conn.sendError('HEARTBEAT_TIMEOUT', `no pong within ${this.config.heartbeatMs / 1000} s; dropping`);
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}
