/**
 * An onnxruntime session run on views of a kernel arena: its inputs and outputs are tensors over
 * arena regions, made once per row count (and again when the arena is rebuilt), so that a run
 * copies nothing in or out.
 */
import ort from 'onnxruntime-node';
import type { Arena } from './arena.js';

/** A run's tensors on the arena. */
export interface ArenaTensors {
  feeds: Record<string, ort.Tensor>;
  fetches: Record<string, ort.Tensor>;
}

/** Row counts whose tensors are kept at once (a batch's sizes seldom vary more). */
const KEPT_ROW_COUNTS = 64;

export class ArenaSession {
  private session: ort.InferenceSession | null = null;
  private creating: Promise<ort.InferenceSession> | null = null;
  private tensorsArena: Arena | null = null;
  private readonly tensors = new Map<number, ArenaTensors>();

  constructor(
    private readonly graph: () => Uint8Array,
    private readonly threads: number,
    /** the tensors of `rows` rows on an arena's regions */
    private readonly bind: (arena: Arena, rows: number) => ArenaTensors,
  ) {}

  /** Starts making the session now rather than on the first run. */
  prepare(): void {
    // a failure is reported by the first run
    this.open().catch(() => undefined);
  }

  async run(arena: Arena, rows: number): Promise<void> {
    const session = this.session ?? (await this.open());
    if (this.tensorsArena !== arena) {
      this.tensors.clear();
      this.tensorsArena = arena;
    }
    let t = this.tensors.get(rows);
    if (!t) {
      t = this.bind(arena, rows);
      if (this.tensors.size >= KEPT_ROW_COUNTS) this.tensors.clear();
      this.tensors.set(rows, t);
    }
    await session.run(t.feeds, t.fetches);
  }

  async dispose(): Promise<void> {
    const s = this.session ?? (this.creating ? await this.creating.catch(() => null) : null);
    this.session = null;
    if (s) await s.release();
  }

  private async open(): Promise<ort.InferenceSession> {
    this.creating ??= ort.InferenceSession.create(this.graph(), {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    this.session = await this.creating;
    return this.session;
  }
}
