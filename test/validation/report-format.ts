import type { ComparisonRow } from './cases.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 0.01 && Math.abs(x) < 1e4 ? x.toFixed(4) : x.toExponential(3);
}

/** A plain-text table of comparison rows: case, figure, value, limit, verdict, note. */
export function formatRows(rows: ComparisonRow[]): string {
  const cells = rows.map((r) => [
    r.case,
    r.figure,
    fmt(r.value),
    fmt(r.limit),
    r.pass ? 'ok' : 'FAIL',
    r.note ?? '',
  ]);
  const head = ['case', 'figure', 'value', 'limit', '', 'note'];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]): string =>
    row
      .map((s, c) => s.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
