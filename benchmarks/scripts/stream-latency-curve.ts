/**
 * Chunk round trip against the load carried, over the wire: `bench stream` (the server in this
 * process, the clients in a worker thread, 100 sessions of 100-bin chunks, one in flight per
 * session) paced at each offered load of `--rates`, then with every chunk sent as soon as the last
 * is answered (the most the server and clients carry). Each run also measures its floor, plain TCP
 * echo with the same sessions and frame sizes. Prints a line per run (or JSON) and, with `--svg`,
 * draws p50 and p99 against bins/s carried.
 *
 * With one chunk in flight per session the back-to-back run holds every session's chunk in the
 * system at once, so its mean round trip is sessions × chunk ÷ throughput (Little's law); the paced
 * runs show what the round trip is below that point.
 */
import { writeFileSync } from 'node:fs';
import { benchStream, type StreamBenchResult } from '../../src/cli/bench-stream.js';
import { numberArg, scriptArgs } from './script-args.js';

const USAGE = `
usage: node dist/benchmarks/scripts/stream-latency-curve.js [--model if-paper] [--sessions 100] [--chunk 100] [--chunks 2000] [--rates 500000,1000000,1500000,2000000,2500000] [--svg FILE] [--json]
chunk round trip (p50, p99) against the aggregate bins/s carried: bench stream paced at each rate, then back to back
  --chunks N   chunks per session in each run (the first 100, or the first tenth if fewer, not counted; as bench stream)
  --rates L    offered loads, bins/s over all sessions, comma-separated
  --svg FILE   also draw the curve as an SVG
`;

const { values } = scriptArgs(USAGE, {
  model: { type: 'string', default: 'if-paper' },
  sessions: { type: 'string' },
  chunk: { type: 'string' },
  chunks: { type: 'string' },
  rates: { type: 'string', default: '500000,1000000,1500000,2000000,2500000' },
  svg: { type: 'string' },
  json: { type: 'boolean', default: false },
});
const sessions = numberArg('--sessions', values.sessions, 100, { min: 1, integer: true });
const chunk = numberArg('--chunk', values.chunk, 100, { min: 1, integer: true });
const chunks = numberArg('--chunks', values.chunks, 2000, { min: 10, integer: true });
const rates = values.rates.split(',').map((r) => numberArg('--rates', r, 0, { min: 1 }));

interface CurvePoint {
  /** offered bins/s; null: back to back */
  offered: number | null;
  carried: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** the floor of the same run: plain TCP echo, back to back (at its own rate) */
  echoP99Ms: number;
  echoMessagesPerSecond: number;
  loadAverage: [number, number];
}

function point(offered: number | null, r: StreamBenchResult): CurvePoint {
  return {
    offered,
    carried: r.aggregateBinsPerSecond,
    p50Ms: r.p50Ms,
    p90Ms: r.p90Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    echoP99Ms: r.loopbackEcho.p99Ms,
    echoMessagesPerSecond: r.loopbackEcho.messagesPerSecond,
    loadAverage: r.loadAverage,
  };
}

const points: CurvePoint[] = [];
for (const offered of [...rates, null]) {
  const r = await benchStream({
    model: values.model,
    sessions,
    chunk,
    chunks,
    warmup: Math.min(100, Math.floor(chunks / 10)),
    clientThreads: 1,
    binary: true,
    seed: 1,
    ...(offered !== null ? { rate: offered } : {}),
  });
  const p = point(offered, r);
  points.push(p);
  if (!values.json)
    console.log(
      `${offered === null ? 'back to back' : `offered ${offered.toLocaleString('en')}`}: carried ${Math.round(p.carried).toLocaleString('en')} bins/s, ` +
        `p50 ${p.p50Ms.toFixed(2)} ms, p90 ${p.p90Ms.toFixed(2)}, p99 ${p.p99Ms.toFixed(2)}, max ${p.maxMs.toFixed(1)}; ` +
        `TCP echo back to back ${Math.round(p.echoMessagesPerSecond).toLocaleString('en')} messages/s, p99 ${p.echoP99Ms.toFixed(2)} ms; load average ${p.loadAverage.join(' → ')}`,
    );
}
const last = points[points.length - 1];
const little = (1000 * sessions * chunk) / last.carried;
if (values.json)
  console.log(
    JSON.stringify(
      { model: values.model, sessions, chunkBins: chunk, chunks, points, littleMs: little },
      null,
      2,
    ),
  );
else
  console.log(
    `back to back, ${sessions} chunks of ${chunk} bins always in flight: mean round trip by Little's law ${little.toFixed(2)} ms at the throughput carried`,
  );
if (values.svg) {
  writeFileSync(values.svg, curveSvg(points, `${values.model}, ${sessions} sessions, ${chunk}-bin chunks`));
  if (!values.json) console.log(`curve written to ${values.svg}`);
}

/**
 * p50 and p99 against bins/s carried, the back-to-back point ringed; the echo floor (back to back
 * at its own rate in every run) as one line at its median p99.
 */
function curveSvg(pts: CurvePoint[], title: string): string {
  const W = 560;
  const H = 300;
  const pad = { l: 52, r: 20, t: 30, b: 44 };
  const xMax = Math.max(...pts.map((p) => p.carried)) * 1.1;
  const yMax = Math.ceil(Math.max(...pts.map((p) => p.p99Ms), 5) * 1.15);
  const x = (v: number): number => pad.l + (v / xMax) * (W - pad.l - pad.r);
  const y = (ms: number): number => pad.t + (1 - ms / yMax) * (H - pad.t - pad.b);
  const series = (get: (p: CurvePoint) => number, color: string): string =>
    `<path d="${pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.carried).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>` +
    pts
      .map(
        (p) => `<circle cx="${x(p.carried).toFixed(1)}" cy="${y(get(p)).toFixed(1)}" r="3" fill="${color}"/>`,
      )
      .join('');
  const ticks: string[] = [];
  for (let m = 0; m <= xMax / 1e6; m += 0.5)
    ticks.push(`<text x="${x(m * 1e6).toFixed(1)}" y="${H - pad.b + 14}" text-anchor="middle">${m}</text>`);
  for (let ms = 0; ms <= yMax; ms += yMax > 12 ? 2 : 1)
    ticks.push(`<text x="${pad.l - 6}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end">${ms}</text>`);
  const b2b = pts[pts.length - 1];
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const echoMs = median(pts.map((p) => p.echoP99Ms));
  const echoRate = median(pts.map((p) => p.echoMessagesPerSecond));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">chunk round trip against load carried: ${title}</text>`,
    `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="black"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="black"/>`,
    ...ticks,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">bins/s carried, millions (all sessions)</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">round trip, ms</text>`,
    // the issue's target: 1 M bins/s with p99 at most 5 ms
    `<line x1="${x(1e6).toFixed(1)}" y1="${pad.t}" x2="${x(1e6).toFixed(1)}" y2="${H - pad.b}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<line x1="${pad.l}" y1="${y(5).toFixed(1)}" x2="${W - pad.r}" y2="${y(5).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${W - pad.r - 4}" y="${(y(5) - 4).toFixed(1)}" text-anchor="end" fill="#666">5 ms</text>`,
    series((p) => p.p99Ms, '#d62728'),
    series((p) => p.p50Ms, '#1f77b4'),
    `<line x1="${pad.l}" y1="${y(echoMs).toFixed(1)}" x2="${W - pad.r}" y2="${y(echoMs).toFixed(1)}" stroke="#7f7f7f" stroke-dasharray="2 3"/>`,
    `<circle cx="${x(b2b.carried).toFixed(1)}" cy="${y(b2b.p99Ms).toFixed(1)}" r="7" fill="none" stroke="#d62728"/>`,
    `<text x="${(x(b2b.carried) - 10).toFixed(1)}" y="${(y(b2b.p99Ms) + 20).toFixed(1)}" text-anchor="end">back to back</text>`,
    `<text x="${pad.l + 10}" y="${pad.t + 12}" fill="#d62728">p99</text>`,
    `<text x="${pad.l + 40}" y="${pad.t + 12}" fill="#1f77b4">p50</text>`,
    `<text x="${pad.l + 70}" y="${pad.t + 12}" fill="#7f7f7f">the floor: plain TCP echo p99, back to back (${Math.round(echoRate / 1000)}k messages/s)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
