/**
 * Real-time pacing of output chunks: bin k leaves no earlier than t0 + k ms, t0 being the moment
 * the first chunk of any source of the session was queued. The sources of a session (surrogate,
 * reference) share one PaceClock, so that the same bin index leaves at the same time from both.
 * Chunks that arrive late go out at once (the clock never waits for them and never runs ahead of
 * the wall clock).
 */
import { Subscription, interval } from 'rxjs';

export interface Pacable {
  firstBin: number;
  count: number;
  /** the part [from, to) of this chunk (relative indices) */
  slice(from: number, to: number): Pacable;
}

/**
 * The wall-clock origin shared by the pacers of one session, and their one ticker: every tick
 * releases what is due from all of them together, so the sources leave in step.
 */
export class PaceClock {
  private t0 = -1;
  private readonly pacers: { release(): boolean }[] = [];
  private ticker: Subscription | null = null;

  constructor(
    private readonly tickMs = 2,
    readonly now: () => number = () => performance.now(),
  ) {}

  attach(pacer: { release(): boolean }): void {
    this.pacers.push(pacer);
  }

  /** Releases what is due from every pacer; ticks while any of them still holds bins. */
  releaseAll(): void {
    let waiting = false;
    for (const p of this.pacers) if (p.release()) waiting = true;
    if (waiting && !this.ticker) this.ticker = interval(this.tickMs).subscribe(() => this.releaseAll());
    else if (!waiting) this.stop();
  }

  stop(): void {
    this.ticker?.unsubscribe();
    this.ticker = null;
  }

  /** Starts the clock (once) so that `firstBin` is due now. */
  start(firstBin: number): void {
    if (this.t0 < 0) this.t0 = this.now() - firstBin;
  }

  /** bins with index < due() may leave */
  due(): number {
    return Math.floor(this.now() - this.t0) + 1;
  }
}

export class RealtimePacer<T extends Pacable> {
  private readonly queue: T[] = [];
  private queuedBins = 0;

  constructor(
    private readonly emit: (chunk: Pacable) => void,
    private readonly clock: PaceClock = new PaceClock(),
  ) {
    clock.attach(this);
  }

  push(chunk: T): void {
    this.clock.start(chunk.firstBin);
    this.queue.push(chunk);
    this.queuedBins += chunk.count;
    this.clock.releaseAll();
  }

  /** bins still waiting for their time */
  get pending(): number {
    return this.queuedBins;
  }

  /** Emit everything still queued at once (on close). */
  drain(): void {
    const all = this.queue.splice(0);
    this.queuedBins = 0;
    for (const c of all) this.emit(c);
  }

  /** Drops what is queued (the clock's ticker stops at its next tick once nothing waits). */
  stop(): void {
    this.queue.length = 0;
    this.queuedBins = 0;
  }

  /** Emits the bins that are due; true while some are still waiting. */
  release(): boolean {
    const due = this.clock.due();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const allowed = due - head.firstBin;
      if (allowed <= 0) break;
      if (allowed >= head.count) {
        this.queue.shift();
        this.queuedBins -= head.count;
        this.emit(head);
      } else {
        this.queue[0] = head.slice(allowed, head.count) as T;
        this.queuedBins -= allowed;
        this.emit(head.slice(0, allowed));
        break;
      }
    }
    return this.queue.length > 0;
  }
}
