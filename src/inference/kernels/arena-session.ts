/**
 * An onnxruntime session run on views of a kernel arena: its inputs and outputs are tensors over
 * arena regions, made once per row count (and again when the arena is rebuilt), so that a run
 * copies nothing in or out.
 *
 * It drives onnxruntime-node's native session directly, synchronously. The package's
 * InferenceSession defers every run to a later turn of the event loop (setImmediate) and checks its
 * arguments again each time, and a resident step makes five to seven small runs.
 */
import ort from 'onnxruntime-node';
import { binding, initOrt, type Binding } from 'onnxruntime-node/dist/binding.js';
import type { Arena } from './arena.js';

/** A run's tensors on the arena. */
export interface ArenaTensors {
  feeds: Record<string, ort.Tensor>;
  fetches: Record<string, ort.Tensor>;
}

/** Row counts whose tensors are kept at once (a batch's sizes seldom vary more). */
const KEPT_ROW_COUNTS = 64;

const NO_RUN_OPTIONS: ort.InferenceSession.RunOptions = {};

export class ArenaSession {
  private session: Binding.InferenceSession | null = null;
  private released = false;
  private tensorsArena: Arena | null = null;
  private readonly tensors = new Map<number, ArenaTensors>();

  constructor(
    private readonly graph: () => Uint8Array,
    private readonly threads: number,
    /** the tensors of `rows` rows on an arena's regions */
    private readonly bind: (arena: Arena, rows: number) => ArenaTensors,
  ) {}

  /** Makes the session now rather than on the first run. */
  prepare(): void {
    this.open();
  }

  run(arena: Arena, rows: number): void {
    const session = this.session ?? this.open();
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
    // the outputs land in the fetches' arena views; the tensors it returns are views of the same
    session.run(t.feeds, t.fetches, NO_RUN_OPTIONS);
  }

  dispose(): void {
    this.released = true;
    this.session?.dispose();
    this.session = null;
  }

  private open(): Binding.InferenceSession {
    if (this.released) throw new Error('the onnxruntime session of this layer was released');
    if (this.session) return this.session;
    initOrt();
    const session = new binding.InferenceSession();
    const model = this.graph();
    session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    this.session = session;
    return session;
  }
}
