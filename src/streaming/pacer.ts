/**
 * Real-time pacing of output chunks: bin k leaves no earlier than t0 + k ms, t0 being the moment
 * the first chunk was queued. Chunks that arrive late go out at once (the clock never waits for
 * them and never runs ahead of the wall clock).
 */
import { Subscription, interval } from 'rxjs';

export interface Pacable {
  firstBin: number;
  count: number;
  /** the part [from, to) of this chunk (relative indices) */
  slice(from: number, to: number): Pacable;
}

export class RealtimePacer<T extends Pacable> {
  private readonly queue: T[] = [];
  private t0 = -1;
  private ticker: Subscription | null = null;

  constructor(
    private readonly emit: (chunk: Pacable) => void,
    private readonly tickMs = 2,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(chunk: T): void {
    if (this.t0 < 0) this.t0 = this.now() - chunk.firstBin;
    this.queue.push(chunk);
    this.release();
    if (this.queue.length > 0 && !this.ticker) {
      this.ticker = interval(this.tickMs).subscribe(() => this.release());
    }
  }

  /** bins still waiting for their time */
  get pending(): number {
    return this.queue.reduce((n, c) => n + c.count, 0);
  }

  /** Emit everything still queued at once (on close). */
  drain(): void {
    for (const c of this.queue.splice(0)) this.emit(c);
    this.stopTicker();
  }

  stop(): void {
    this.queue.length = 0;
    this.stopTicker();
  }

  private stopTicker(): void {
    this.ticker?.unsubscribe();
    this.ticker = null;
  }

  private release(): void {
    // bins with index < due are allowed out
    const due = Math.floor(this.now() - this.t0) + 1;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const allowed = due - head.firstBin;
      if (allowed <= 0) break;
      if (allowed >= head.count) {
        this.queue.shift();
        this.emit(head);
      } else {
        this.queue[0] = head.slice(allowed, head.count) as T;
        this.emit(head.slice(0, allowed));
        break;
      }
    }
    if (this.queue.length === 0) this.stopTicker();
  }
}
