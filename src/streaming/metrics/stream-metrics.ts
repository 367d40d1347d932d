/**
 * The server's Prometheus metrics (prom-client), in a registry of their own so that several servers
 * in one process (tests) never share counters. Counters are bumped where the event happens; the
 * gauges of open sessions (queue depths, reference lag) are sampled when /metrics is read.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StepObserver } from '../../inference/batch-scheduler.js';

/** What one open session reports to a scrape (see Session.stats). */
export interface SessionSample {
  open: boolean;
  reference: boolean;
  queuedInputBins: number;
  /** surrogate bins sent − reference bins sent; negative when the reference is ahead */
  referenceLagBins: number;
}

export interface MetricsSource {
  connections(): number;
  /** the open sessions; also brings the input-bin counter up to date */
  sampleSessions(): Iterable<SessionSample>;
}

/** 1 row … 4096 rows of one onnxruntime run */
const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
/** 25 µs … 1 s per run */
const STEP_BUCKETS = [
  25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 0.1, 0.25, 1,
];

export class StreamMetrics {
  readonly registry = new Registry();
  private source: MetricsSource | null = null;

  private readonly connectionsOpen = this.gauge('neurotwin_connections_open', 'WebSocket connections open');
  private readonly connectionsRefused = new Counter({
    name: 'neurotwin_connections_refused_total',
    help: 'connections refused at admission, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly connectionsClosed = new Counter({
    name: 'neurotwin_connections_closed_total',
    help: 'connections ended, by reason (client, idle-timeout, heartbeat, shutdown)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly sessionsOpen = this.gauge('neurotwin_sessions_open', 'sessions open');
  private readonly sessionsOpened = new Counter({
    name: 'neurotwin_sessions_opened_total',
    help: 'sessions opened, by model and reference on/off',
    labelNames: ['model', 'reference'],
    registers: [this.registry],
  });
  private readonly sessionsClosed = new Counter({
    name: 'neurotwin_sessions_closed_total',
    help: 'sessions ended, by reason (close, or how the connection ended)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly inputBins = new Counter({
    name: 'neurotwin_input_bins_total',
    help: 'input bins accepted (milliseconds of input; a multi-neuron chunk counts its bins once)',
    registers: [this.registry],
  });
  private readonly outputBins = new Counter({
    name: 'neurotwin_output_bins_total',
    help: 'output bins sent, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  // bumped once per output chunk: the labelled children are looked up once
  private readonly surrogateBinsOut = this.outputBins.labels({ source: 'surrogate' });
  private readonly referenceBinsOut = this.outputBins.labels({ source: 'reference' });
  private readonly queueBins = new Gauge({
    name: 'neurotwin_input_queue_bins',
    help: 'bins accepted but not yet sent as surrogate output, over open sessions (stat: sum, max)',
    labelNames: ['stat'],
    registers: [this.registry],
  });
  private readonly referenceLag = new Gauge({
    name: 'neurotwin_reference_lag_bins',
    help: 'surrogate bins sent minus reference bins sent, over sessions with a reference (stat: min, max; negative: reference ahead)',
    labelNames: ['stat'],
    registers: [this.registry],
  });
  private readonly batchRows = new Histogram({
    name: 'neurotwin_inference_batch_rows',
    help: 'streams stepped together by one batch step, by model',
    labelNames: ['model'],
    buckets: ROW_BUCKETS,
    registers: [this.registry],
  });
  private readonly stepSeconds = new Histogram({
    name: 'neurotwin_inference_step_seconds',
    help: 'wall time of one batched step, per bin, by model',
    labelNames: ['model'],
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'neurotwin_errors_total',
    help: 'error frames sent to clients, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Where the sampled gauges come from (the connection registry). */
  setSource(source: MetricsSource): void {
    this.source = source;
  }

  connectionRefused(code: string): void {
    this.connectionsRefused.inc({ code });
  }
  connectionClosed(reason: string): void {
    this.connectionsClosed.inc({ reason });
  }
  sessionOpened(model: string, reference: boolean): void {
    this.sessionsOpened.inc({ model, reference: reference ? 'on' : 'off' });
  }
  sessionClosed(reason: string): void {
    this.sessionsClosed.inc({ reason });
  }
  inputBinsAccepted(bins: number): void {
    if (bins > 0) this.inputBins.inc(bins);
  }
  outputBinsSent(source: 'SURROGATE' | 'REFERENCE', bins: number): void {
    (source === 'SURROGATE' ? this.surrogateBinsOut : this.referenceBinsOut).inc(bins);
  }
  errorSent(code: string): void {
    this.errors.inc({ code });
  }

  /** The observer a model's batch scheduler calls after each run. */
  inferenceObserver(model: string): StepObserver {
    const rows = this.batchRows.labels({ model });
    const seconds = this.stepSeconds.labels({ model });
    return (busyRows, stepSeconds) => {
      rows.observe(busyRows);
      seconds.observe(stepSeconds);
    };
  }

  /** The Prometheus text exposition, with the sampled gauges brought up to date. */
  async text(): Promise<string> {
    this.sample();
    return this.registry.metrics();
  }

  private sample(): void {
    const source = this.source;
    if (!source) return;
    this.connectionsOpen.set(source.connections());
    let open = 0;
    let queued = 0;
    let queuedMax = 0;
    let lagMin = Infinity;
    let lagMax = -Infinity;
    for (const s of source.sampleSessions()) {
      if (!s.open) continue;
      open++;
      queued += s.queuedInputBins;
      queuedMax = Math.max(queuedMax, s.queuedInputBins);
      if (s.reference) {
        lagMin = Math.min(lagMin, s.referenceLagBins);
        lagMax = Math.max(lagMax, s.referenceLagBins);
      }
    }
    this.sessionsOpen.set(open);
    this.queueBins.set({ stat: 'sum' }, queued);
    this.queueBins.set({ stat: 'max' }, queuedMax);
    // no session with a reference: both read 0
    this.referenceLag.set({ stat: 'min' }, Number.isFinite(lagMin) ? lagMin : 0);
    this.referenceLag.set({ stat: 'max' }, Number.isFinite(lagMax) ? lagMax : 0);
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }
}
