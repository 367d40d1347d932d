/**
 * Progress for a stream that is not a terminal (a log file, a CI job): a plain line with the count
 * and the ETA from this run's own rate (trials resumed from disk do not count), at most one line
 * per interval.
 */
export function progressLines(
  write: (line: string) => void,
  label: string,
  intervalMs = 10_000,
): (done: number, total: number) => void {
  let start: { at: number; done: number } | null = null;
  let lastAt = -Infinity;
  return (done, total) => {
    const now = performance.now();
    start ??= { at: now, done };
    if (done < total && now - lastAt < intervalMs) return;
    lastAt = now;
    const rate = (done - start.done) / (now - start.at);
    const eta = rate > 0 && done < total ? `, ETA ${formatDuration((total - done) / rate)}` : '';
    write(`${label}: ${done}/${total}${eta}`);
  };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
