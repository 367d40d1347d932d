/**
 * The float initializers of a step graph (step.onnx), by the names the exporter gives them:
 * `<prefix>_<counter>` (src/surrogate/onnx-graph.ts), e.g. layer0_by_synapse_3 or spike_w_40.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export interface Initializer {
  dims: number[];
  data: Float32Array;
}

export class StepWeights {
  private constructor(
    private readonly file: string,
    private readonly byName: Map<string, Initializer>,
  ) {}

  static read(file: string): StepWeights {
    const model = onnx.ModelProto.decode(readFileSync(file));
    const byName = new Map<string, Initializer>();
    for (const t of model.graph?.initializer ?? []) {
      if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.name) continue;
      const dims = (t.dims ?? []).map(Number);
      let data: Float32Array;
      if (t.rawData && t.rawData.length > 0) {
        const raw = t.rawData;
        // copy: the decoded bytes may not be 4-byte aligned
        data = new Float32Array(raw.length / 4);
        new Uint8Array(data.buffer).set(raw);
      } else data = Float32Array.from(t.floatData ?? []);
      byName.set(t.name, { dims, data });
    }
    return new StepWeights(file, byName);
  }

  /** The one initializer named `<prefix>_<n>`, checked against the expected dims. */
  get(prefix: string, dims: number[]): Float32Array {
    const pattern = new RegExp(`^${prefix}_\\d+$`);
    const found = [...this.byName.entries()].filter(([name]) => pattern.test(name));
    if (found.length !== 1) {
      throw new Error(`${this.file}: expected one initializer ${prefix}_<n>, found ${found.length}`);
    }
    const [name, t] = found[0];
    if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
      throw new Error(`${this.file}: ${name} has dims [${t.dims.join(', ')}], expected [${dims.join(', ')}]`);
    }
    return t.data;
  }
}
