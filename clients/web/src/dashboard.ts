/**
 * The page: model and input controls, the live session, and one requestAnimationFrame loop that
 * draws the traces, the raster and the cell from the session record. Its state is published as
 * `window.neurotwinDashboard` (what tests and benchmarks read).
 */
import type { ClockName } from '../../sdk/index.js';
import { InputControls } from './input-controls.js';
import { LiveSession, type SessionState } from './live-session.js';
import { MorphologyView } from './morphology-view.js';
import { RasterPlot } from './raster-plot.js';
import { RunningFigures, type Figures } from './running-figures.js';
import {
  fetchCell,
  fetchModels,
  fetchMorphology,
  streamUrl,
  type CellSummary,
  type ModelSummary,
} from './server-api.js';
import { sessionDocument } from './session-file.js';
import { TracePlot } from './trace-plot.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** What the page shows, for tests and benchmarks (updated every frame). */
export interface DashboardState {
  model: string;
  cell: string;
  session: SessionState | 'idle';
  message: string;
  binsSent: number;
  surrogateBins: number;
  referenceBins: number;
  nDendrites: number;
  /** bins of either trace drawn in the last frame, input spikes in the raster, flashing synapses */
  plotted: { traceBins: number; rasterSpikes: number; flashes: number; colouredBin: number };
  frames: number;
  /** frames per second over the last second, and the drawing time per frame (ms) */
  fps: number;
  drawMsMean: number;
  drawMsMax: number;
  figures: Figures | null;
  referenceLag: number;
}

declare global {
  interface Window {
    neurotwinDashboard: DashboardState;
  }
}

/** frames remembered for the frame-rate figures (more than one second's worth at 60 fps) */
const FRAME_RING = 240;

/** spend at most about 1/AUC_BUDGET of the time on recomputing the exact AUC */
const AUC_BUDGET = 20;

export class Dashboard {
  readonly state: DashboardState = {
    model: '',
    cell: '',
    session: 'idle',
    message: '',
    binsSent: 0,
    surrogateBins: 0,
    referenceBins: 0,
    nDendrites: 0,
    plotted: { traceBins: 0, rasterSpikes: 0, flashes: 0, colouredBin: -1 },
    frames: 0,
    fps: 0,
    drawMsMean: 0,
    drawMsMax: 0,
    figures: null,
    referenceLag: 0,
  };
  private models: ModelSummary[] = [];
  private cell: CellSummary | null = null;
  private morphology: MorphologyView | null = null;
  private session: LiveSession | null = null;
  private figures: RunningFigures | null = null;
  private readonly inputs: InputControls;
  private readonly trace = new TracePlot($('trace'));
  private readonly raster = new RasterPlot($('raster'));
  private nextAucAt = 0;
  /** start time and drawing time of the last FRAME_RING frames (a ring, no per-frame allocation) */
  private readonly frameAt = new Float64Array(FRAME_RING).fill(-Infinity);
  private readonly frameCost = new Float64Array(FRAME_RING);
  private lastText = 0;

  constructor() {
    window.neurotwinDashboard = this.state;
    this.inputs = new InputControls((m) => this.say(m));
    $('model').addEventListener('change', () => void this.selectModel());
    $('reference').addEventListener('change', () => this.syncChecks());
    $('start').addEventListener('click', () => this.start());
    $('pause').addEventListener('click', () => this.togglePause());
    $('stop').addEventListener('click', () => this.stop());
    $('download').addEventListener('click', () => this.download());
    document.addEventListener('keydown', (e) => this.onKey(e));
    requestAnimationFrame((t) => this.frame(t));
  }

  async load(): Promise<void> {
    try {
      this.models = await fetchModels();
    } catch (err) {
      this.say((err as Error).message);
      return;
    }
    const select = $<HTMLSelectElement>('model');
    select.replaceChildren(
      ...this.models.map((m) => {
        const o = document.createElement('option');
        o.value = m.id;
        o.textContent = `${m.id} (${m.neuron})`;
        return o;
      }),
    );
    if (this.models.length === 0) {
      this.say('the server has no models');
      return;
    }
    await this.selectModel();
  }

  private say(message: string): void {
    this.state.message = message;
    $('status').textContent = message;
  }

  private async selectModel(): Promise<void> {
    const id = $<HTMLSelectElement>('model').value;
    const m = this.models.find((x) => x.id === id);
    this.state.model = id;
    this.cell = null;
    this.morphology = null;
    try {
      this.cell = await fetchCell(id);
    } catch (err) {
      this.say((err as Error).message);
      return;
    }
    const c = this.cell;
    this.state.cell = c.cell;
    const auc = m?.metrics ? `, test AUC ${m.metrics.spikeAuc.toFixed(4)}` : '';
    const kind = c.compartmental ? '' : ' (a point neuron)';
    $('model-info').textContent =
      `${m?.architecture ?? ''}, imitates ${c.cell}${kind}: ${c.nExc} exc + ${c.nInh} inh synapses${auc}`;
    this.inputs.setPaperInputs(c.paperInputs);
    $('cell-title').textContent = `cell: ${c.cell}`;
    const canvas = $<HTMLCanvasElement>('morphology');
    document.querySelector('main')!.classList.toggle('point-neuron', !c.compartmental);
    if (c.compartmental) {
      try {
        this.morphology = new MorphologyView(canvas, await fetchMorphology(id));
        $('cell-note').textContent =
          'synapses flash when they fire (red exc, blue inh); with dendritic voltages on, branches take the colour of their voltage';
      } catch (err) {
        this.say((err as Error).message);
      }
    } else {
      $('cell-note').textContent = `${c.description}: a point neuron, no morphology to draw`;
    }
    // a compartmental reference is slower than real time: by default the inputs wait for it
    $<HTMLInputElement>('follow').checked = c.compartmental;
    this.syncChecks();
    this.say(`ready: ${id}`);
  }

  private syncChecks(): void {
    const reference = $<HTMLInputElement>('reference').checked;
    const dendrites = $<HTMLInputElement>('dendrites');
    dendrites.disabled = !reference || !this.cell?.compartmental;
    if (dendrites.disabled) dendrites.checked = false;
    $<HTMLInputElement>('follow').disabled = !reference;
  }

  private running(): boolean {
    const s = this.session?.state;
    return s === 'connecting' || s === 'running' || s === 'paused' || s === 'finishing';
  }

  private start(): void {
    if (this.running() || !this.cell) return;
    const c = this.cell;
    let source;
    try {
      source = this.inputs.source(c.nExc, c.nInh);
    } catch (err) {
      this.say((err as Error).message);
      return;
    }
    const reference = $<HTMLInputElement>('reference').checked;
    this.morphology?.reset();
    this.figures = null;
    this.session = new LiveSession(
      {
        url: streamUrl(),
        model: this.state.model,
        reference,
        dendrites: $<HTMLInputElement>('dendrites').checked,
        clock: $<HTMLSelectElement>('clock').value as ClockName,
        followReference: $<HTMLInputElement>('follow').checked,
        source,
        nExc: c.nExc,
        nInh: c.nInh,
      },
      { state: (s, detail) => this.onSessionState(s, detail) },
    );
    void this.session.start();
  }

  private onSessionState(s: SessionState, detail?: string): void {
    const session = this.session!;
    this.syncCounts();
    this.state.session = s;
    if (s === 'running' && !this.figures && session.record && this.cell) {
      this.figures = new RunningFigures(session.record, this.cell.labelConvention);
      this.state.nDendrites = session.record.nDendrites;
    }
    const text: Record<SessionState, string> = {
      connecting: 'connecting…',
      running: `streaming ${session.options.model} (${session.options.clock === 'REALTIME' ? 'real time' : 'as fast as possible'})`,
      paused: 'paused (no inputs sent)',
      finishing: 'inputs sent; waiting for the last outputs (Stop again to disconnect)',
      closed: session.closed
        ? `closed: ${session.closed.bins} bins, ${(session.closed.wallMs / 1000).toFixed(1)} s wall`
        : 'closed',
      failed: 'failed',
    };
    this.say(detail ? `${text[s]}: ${detail}` : text[s]);
    const live = this.running();
    $<HTMLButtonElement>('start').disabled = live;
    $<HTMLButtonElement>('pause').disabled = !(s === 'running' || s === 'paused');
    $('pause').textContent = s === 'paused' ? 'Resume' : 'Pause';
    $<HTMLButtonElement>('stop').disabled = !live;
    $<HTMLButtonElement>('download').disabled = !session.record;
    if (s === 'closed') this.figures?.recomputeAuc();
  }

  private togglePause(): void {
    const s = this.session;
    if (s?.state === 'running') s.pause();
    else if (s?.state === 'paused') s.resume();
  }

  private stop(): void {
    const s = this.session;
    if (!s) return;
    if (s.state === 'finishing') s.abort();
    else s.stop();
  }

  private download(): void {
    const s = this.session;
    if (!s?.record || !this.cell) return;
    this.figures?.update();
    if (this.figures?.aucStale) this.figures.recomputeAuc();
    const doc = sessionDocument(s.record, {
      model: s.options.model,
      cell: this.cell.cell,
      labelConvention: this.cell.labelConvention,
      clock: s.options.clock,
      seed: s.options.source.seed,
      generator: s.options.source.generator,
      figures: this.figures!.figures(),
      closed: s.closed,
    });
    const blob = new Blob([JSON.stringify(doc)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `neurotwin-session-${s.options.model}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement | null;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName))) return;
    const action: Record<string, () => void> = {
      s: () => this.start(),
      p: () => this.togglePause(),
      x: () => this.stop(),
      d: () => this.download(),
    };
    const run = action[e.key.toLowerCase()];
    if (run) {
      e.preventDefault();
      run();
    }
  }

  private frame(now: number): void {
    const t0 = performance.now();
    this.drawFrame(now);
    const st = this.state;
    const slot = st.frames % FRAME_RING;
    this.frameAt[slot] = now;
    this.frameCost[slot] = performance.now() - t0;
    st.frames++;
    // over the frames of the last second
    let n = 0;
    let sum = 0;
    let max = 0;
    for (let i = 0; i < FRAME_RING; i++) {
      if (this.frameAt[i] <= now - 1000) continue;
      n++;
      sum += this.frameCost[i];
      if (this.frameCost[i] > max) max = this.frameCost[i];
    }
    st.fps = n;
    st.drawMsMean = sum / n;
    st.drawMsMax = max;
    requestAnimationFrame((t) => this.frame(t));
  }

  private drawFrame(now: number): void {
    const st = this.state;
    const record = this.session?.record ?? null;
    const window = Number($<HTMLSelectElement>('window').value);
    // with the reference on, the window ends where both streams have arrived, so they overlay
    const aligned = this.session?.options.reference && $<HTMLSelectElement>('view-end').value === 'aligned';
    const newest = record
      ? aligned
        ? Math.min(record.surrogateBins, record.referenceBins)
        : record.surrogateBins
      : 0;
    const end = Math.max(newest, window);
    const nExc = this.cell?.nExc ?? 0;
    const nInh = this.cell?.nInh ?? 0;
    st.plotted.traceBins = this.trace.draw(record, end, window);
    st.plotted.rasterSpikes = this.raster.draw(record, end, window, nExc, nInh);
    if (this.morphology) {
      // with dendrites the cell shows the reference's newest bin, so colours and flashes agree
      const at = record ? (record.nDendrites > 0 ? record.dendriteBin : record.surrogateBins - 1) : -1;
      const f = this.morphology.draw(record, at);
      st.plotted.flashes = f.flashes;
      st.plotted.colouredBin = f.colouredBin;
    }
    if (!record) return;
    this.syncCounts();
    const figures = this.figures;
    if (figures) {
      figures.update();
      if (figures.aucStale && now >= this.nextAucAt) {
        const t = performance.now();
        figures.recomputeAuc();
        this.nextAucAt = now + Math.max(250, (performance.now() - t) * AUC_BUDGET);
      }
      st.figures = figures.figures();
    }
    if (now - this.lastText > 250) {
      this.lastText = now;
      this.showFigures();
    }
  }

  private syncCounts(): void {
    const record = this.session?.record;
    if (!record) return;
    const st = this.state;
    st.binsSent = this.session!.binsSent;
    st.surrogateBins = record.surrogateBins;
    st.referenceBins = record.referenceBins;
    st.referenceLag = record.referenceLag;
  }

  private showFigures(): void {
    const st = this.state;
    const f = st.figures;
    const reference = this.session?.options.reference ?? false;
    $('fig-bins').textContent =
      `${st.surrogateBins.toLocaleString('en')} / ${st.binsSent.toLocaleString('en')}`;
    $('fig-lag').textContent = reference ? `${st.referenceLag.toLocaleString('en')} bins` : 'reference off';
    $('fig-fps').textContent = `${st.fps} fps · ${st.drawMsMean.toFixed(1)} ms`;
    if (!f || !reference) {
      $('fig-spikes').textContent = '–';
      $('fig-auc').textContent = '–';
      $('fig-rmse').textContent = '–';
      $('fig-coincidence').textContent = '–';
      return;
    }
    $('fig-spikes').textContent = `${f.referenceSpikes} / ${f.surrogateSpikes}`;
    // both are scored from 0.5 s on (the cell is not at rest before), the AUC once there are spikes
    $('fig-auc').textContent = f.auc === null ? '–' : f.auc.toFixed(4);
    $('fig-rmse').textContent = f.rmse === null ? '–' : `${f.rmse.toFixed(2)} mV`;
    $('fig-coincidence').textContent =
      f.coincidenceChecked === 0
        ? '–'
        : `${f.coincident} of ${f.coincidenceChecked} (${((100 * f.coincident) / f.coincidenceChecked).toFixed(0)} %)`;
  }
}
