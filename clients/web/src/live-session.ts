/**
 * One streaming session driven from the page: opens it through the SDK, sends the input source's
 * bins in chunks while few enough are in flight (so that pause takes effect at once and the page
 * never floods the server), records every output, and closes when the inputs are spent or on stop.
 */
import { NeurotwinClient, type ClockName, type ClosedMsg, type OpenedMsg } from '../../sdk/index.js';
import type { InputSource } from './input-sources.js';
import { SessionRecord } from './session-record.js';

export type SessionState = 'connecting' | 'running' | 'paused' | 'finishing' | 'closed' | 'failed';

export interface SessionOptions {
  url: string;
  model: string;
  reference: boolean;
  dendrites: boolean;
  clock: ClockName;
  /** hold the inputs back until the reference has caught up (its own pace) */
  followReference: boolean;
  source: InputSource;
  nExc: number;
  nInh: number;
}

export interface SessionEvents {
  state(s: SessionState, detail?: string): void;
}

const CHUNK_BINS = 50;
/** bins sent but not yet answered: a quarter second at real time, more when running flat out */
const IN_FLIGHT_REALTIME = 250;
const IN_FLIGHT_ASAP = 4000;

export class LiveSession {
  record: SessionRecord | null = null;
  opened: OpenedMsg | null = null;
  closed: ClosedMsg | null = null;
  state: SessionState = 'connecting';
  private client: NeurotwinClient | null = null;
  private sent = 0;
  private closing = false;

  constructor(
    readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {}

  get binsSent(): number {
    return this.sent;
  }

  async start(): Promise<void> {
    const o = this.options;
    try {
      this.client = await NeurotwinClient.connect(o.url, { WebSocket });
      this.opened = await this.client.open({
        model: o.model,
        reference: o.reference,
        clock: o.clock,
        ...(o.dendrites ? { dendrites: true } : {}),
      });
    } catch (err) {
      this.setState('failed', (err as Error).message);
      this.client?.disconnect();
      return;
    }
    this.record = new SessionRecord(o.nExc, o.nInh, this.opened.nDendrites ?? 0);
    this.client.onOutput((c) => {
      this.record!.addOutput(c);
      this.pump();
    });
    this.client.onError((e) => {
      if (e.code === 'CONNECTION_CLOSED' && this.state === 'closed') return;
      if (e.code === 'CONNECTION_CLOSED') this.setState('failed', e.message);
      else this.events.state(this.state, e.message);
    });
    this.setState('running');
    this.pump();
  }

  pause(): void {
    if (this.state === 'running') this.setState('paused');
  }

  resume(): void {
    if (this.state === 'paused') {
      this.setState('running');
      this.pump();
    }
  }

  /** Ends the session after the bins already sent (the server completes the reference first). */
  stop(): void {
    if (this.state === 'running' || this.state === 'paused') void this.finish();
  }

  /** Drops the connection at once (what has arrived stays in the record). */
  abort(): void {
    this.client?.disconnect();
    if (this.state !== 'closed') this.setState('closed', 'disconnected before the reference finished');
  }

  private answered(): number {
    const r = this.record!;
    const follow = this.options.reference && this.options.followReference;
    return follow ? Math.min(r.surrogateBins, r.referenceBins) : r.surrogateBins;
  }

  private pump(): void {
    if (this.state !== 'running' || !this.client || !this.record) return;
    const source = this.options.source;
    const limit = this.options.clock === 'REALTIME' ? IN_FLIGHT_REALTIME : IN_FLIGHT_ASAP;
    while (this.sent < source.durationMs && this.sent - this.answered() < limit) {
      const n = Math.min(CHUNK_BINS, source.durationMs - this.sent);
      const bins = source.bins(this.sent, n);
      this.record.addInputs(bins);
      // a send fails only when the connection ended, which onError already reports
      this.client.sendBins(this.sent, bins).catch(() => undefined);
      this.sent += n;
    }
    if (this.sent >= source.durationMs) void this.finish();
  }

  private async finish(): Promise<void> {
    if (this.closing || !this.client) return;
    this.closing = true;
    this.setState('finishing');
    try {
      this.closed = await this.client.close();
      this.client.disconnect();
      this.setState('closed');
    } catch (err) {
      if (this.state !== 'closed') this.setState('failed', (err as Error).message);
    }
  }

  private setState(s: SessionState, detail?: string): void {
    this.state = s;
    this.events.state(s, detail);
  }
}
