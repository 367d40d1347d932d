/**
 * Log lines that a client can provoke (bad frames, socket errors) at a bounded rate: per kind of
 * message, at most `maxLines` lines per `intervalMs`; the rest are counted and reported as one
 * "suppressed K similar messages" line when their interval ends.
 */

export interface RateLimitOptions {
  maxLines: number;
  intervalMs: number;
  now?: () => number;
}

interface Window {
  start: number;
  lines: number;
  suppressed: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class RateLimitedLog {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(
    private readonly write: (line: string) => void,
    private readonly opts: RateLimitOptions = { maxLines: 10, intervalMs: 10_000 },
  ) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Write `line` unless `kind` has used up its lines for the current interval. */
  log(kind: string, line: string): void {
    const t = this.now();
    let w = this.windows.get(kind);
    if (w && t - w.start >= this.opts.intervalMs) {
      this.summarise(kind, w);
      w = undefined;
    }
    if (!w) {
      w = { start: t, lines: 0, suppressed: 0, timer: null };
      this.windows.set(kind, w);
    }
    if (w.lines < this.opts.maxLines) {
      w.lines++;
      this.write(line);
      return;
    }
    w.suppressed++;
    if (!w.timer) {
      const win = w;
      const left = Math.max(0, this.opts.intervalMs - (t - w.start));
      win.timer = setTimeout(() => this.summarise(kind, win), left);
      win.timer.unref?.();
    }
  }

  /** Report every pending suppression now and forget all intervals. */
  flush(): void {
    for (const [kind, w] of [...this.windows]) this.summarise(kind, w);
  }

  private summarise(kind: string, w: Window): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (this.windows.get(kind) === w) this.windows.delete(kind);
    if (w.suppressed > 0)
      this.write(
        `suppressed ${w.suppressed} similar messages (${kind}: at most ${this.opts.maxLines} lines per ${this.opts.intervalMs / 1000} s)`,
      );
    w.suppressed = 0;
  }
}
