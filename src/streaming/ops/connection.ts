/**
 * One admitted WebSocket connection as operations see it: its address, liveness (last frame either
 * way, pong received), its session opens of the last minute, and the session it holds, whose
 * opening and closing it logs and counts by watching the messages sent to the client.
 */
import type { WebSocket } from 'ws';
import { encodeServerBinary, encodeServerJson } from '../../../proto/codec.js';
import { ProtocolError, type ErrorCode, type ServerMessage } from '../../../proto/messages.js';
import type { SessionSample, StreamMetrics } from '../metrics/stream-metrics.js';
import type { SendFn } from '../session.js';
import type { EventLog } from './event-log.js';

/** What a connection reads from its session (Session.stats). */
export interface SessionStatsSource {
  stats(): SessionSample & { bins: number };
}

interface OpenSession {
  id: string;
  model: string;
  neurons: number;
  reference: boolean;
  clock: string;
  openedAt: number;
  /** input bins already added to the metrics counter */
  binsCounted: number;
}

export interface ConnectionDeps {
  metrics: StreamMetrics;
  log: EventLog;
  maxOpensPerMinute: number;
  now(): number;
}

const MINUTE_MS = 60_000;

export class Connection {
  lastActivity: number;
  /** a pong (or any frame) arrived since the last ping */
  alive = true;
  /** why the server ended the connection; null: the client did */
  closeReason: string | null = null;
  /** encoding of the client's last frame, for errors the server sends on its own */
  binary = false;
  private session: SessionStatsSource | null = null;
  private current: OpenSession | null = null;
  /** times of the opens of the last minute, oldest first */
  private readonly opens: number[] = [];

  constructor(
    readonly socket: WebSocket,
    readonly address: string,
    private readonly deps: ConnectionDeps,
  ) {
    this.lastActivity = deps.now();
  }

  attach(session: SessionStatsSource): void {
    this.session = session;
  }

  /** A frame from the client. */
  touch(binary: boolean): void {
    this.lastActivity = this.deps.now();
    this.alive = true;
    this.binary = binary;
  }

  /** Wraps the session's send: every message is seen (for logs and metrics) before it leaves. */
  observe(send: SendFn): SendFn {
    return (msg, binary) => {
      this.lastActivity = this.deps.now();
      this.saw(msg);
      send(msg, binary);
    };
  }

  /** Called when the session takes a slot: refuses an open beyond the per-minute limit. */
  admitOpen(): void {
    const now = this.deps.now();
    while (this.opens.length > 0 && now - this.opens[0] >= MINUTE_MS) this.opens.shift();
    const limit = this.deps.maxOpensPerMinute;
    if (this.opens.length >= limit) {
      const waitS = Math.ceil((MINUTE_MS - (now - this.opens[0])) / 1000);
      throw new ProtocolError(
        'OPEN_RATE_LIMITED',
        `this connection opened ${limit} sessions in the last minute (the limit); try again in ${waitS} s`,
      );
    }
    this.opens.push(now);
  }

  /** The open session's figures for a scrape, with the input-bin counter brought up to date. */
  sample(): SessionSample | null {
    if (!this.current || !this.session) return null;
    const stats = this.session.stats();
    this.countInput(stats.bins);
    return stats;
  }

  /** Sends an error of the server's own (not about a client frame) in the client's last encoding. */
  sendError(code: ErrorCode, message: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const msg: ServerMessage = { error: { code, message } };
    this.deps.metrics.errorSent(code);
    this.socket.send(this.binary ? encodeServerBinary(msg) : encodeServerJson(msg), { binary: this.binary });
  }

  /** The socket has gone: logs and counts the end of a session still open. */
  ended(): void {
    const reason = this.closeReason ?? 'disconnected';
    if (this.current && this.session) {
      const stats = this.session.stats();
      this.countInput(stats.bins);
      this.endSession(reason, stats.bins, this.deps.now() - this.current.openedAt);
    }
    this.deps.metrics.connectionClosed(this.closeReason ?? 'client');
  }

  private saw(msg: ServerMessage): void {
    if ('outputChunk' in msg) {
      const c = msg.outputChunk;
      const neurons = c.neurons !== undefined && c.neurons > 1 ? c.neurons : 1;
      this.deps.metrics.outputBinsSent(c.source, c.voltage.length / neurons);
    } else if ('error' in msg) {
      this.deps.metrics.errorSent(msg.error.code);
    } else if ('opened' in msg) {
      const o = msg.opened;
      const reference = o.referenceCell !== '';
      this.current = {
        id: o.session,
        model: o.model.id,
        neurons: o.neurons ?? 1,
        reference,
        clock: o.clock,
        openedAt: this.deps.now(),
        binsCounted: 0,
      };
      this.deps.metrics.sessionOpened(o.model.id, reference);
      this.deps.log.info('session open', {
        session: o.session,
        model: o.model.id,
        neurons: this.current.neurons,
        reference: reference ? o.referenceCell : 'off',
        clock: o.clock,
        address: this.address,
      });
    } else if ('closed' in msg) {
      this.countInput(msg.closed.bins);
      this.endSession('close', msg.closed.bins, msg.closed.wallMs);
    }
  }

  private countInput(bins: number): void {
    const s = this.current;
    if (!s || bins <= s.binsCounted) return;
    this.deps.metrics.inputBinsAccepted(bins - s.binsCounted);
    s.binsCounted = bins;
  }

  private endSession(reason: string, bins: number, durationMs: number): void {
    const s = this.current;
    if (!s) return;
    this.current = null;
    this.deps.metrics.sessionClosed(reason);
    this.deps.log.info('session close', {
      session: s.id,
      model: s.model,
      neurons: s.neurons,
      reference: s.reference ? 'on' : 'off',
      bins,
      durationMs: Math.round(durationMs),
      reason,
    });
  }
}
