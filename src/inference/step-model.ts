/**
 * A loaded step.onnx graph and the shapes of its state tensors, checked against the manifest.
 */
import ort from 'onnxruntime-node';
import type { ModelManifest, StateTensorSpec } from '../core/manifest.js';

export interface StateLayout {
  inputName: string;
  outputName: string;
  /** dims with the batch axis first (the manifest's 'batch' entry) */
  rowShape: number[];
  /** elements per batch row */
  rowSize: number;
}

export class StepModel {
  private constructor(
    readonly manifest: ModelManifest,
    readonly session: ort.InferenceSession,
    readonly states: StateLayout[],
    /** the step.onnx file (the resident kernels read its weights) */
    readonly stepPath: string,
    /** onnxruntime intra-op threads the model was loaded with */
    readonly threads: number,
  ) {}

  /** 'active': the graph takes the padded ids of the spiking synapses; 'input': a dense 0/1 row */
  get inputForm(): 'input' | 'active' {
    return this.manifest.step.input ?? 'input';
  }

  get nInputs(): number {
    return this.manifest.inputs.nExc + this.manifest.inputs.nInh;
  }

  static async load(manifest: ModelManifest, stepPath: string, threads = 1): Promise<StepModel> {
    const session = await ort.InferenceSession.create(stepPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const states = layoutStates(manifest.step.inputs, manifest.step.outputs);
    const wantIn = [manifest.step.input ?? 'input', ...states.map((s) => s.inputName)];
    const wantOut = ['spike_prob', 'voltage', ...states.map((s) => s.outputName)];
    for (const name of wantIn) {
      if (!session.inputNames.includes(name)) {
        throw new Error(
          `${stepPath}: graph has no input '${name}' (inputs: ${session.inputNames.join(', ')})`,
        );
      }
    }
    for (const name of wantOut) {
      if (!session.outputNames.includes(name)) {
        throw new Error(
          `${stepPath}: graph has no output '${name}' (outputs: ${session.outputNames.join(', ')})`,
        );
      }
    }
    return new StepModel(manifest, session, states, stepPath, threads);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function layoutStates(inputs: StateTensorSpec[], outputs: StateTensorSpec[]): StateLayout[] {
  if (inputs.length !== outputs.length) {
    throw new Error(`manifest step has ${inputs.length} state inputs but ${outputs.length} state outputs`);
  }
  return inputs.map((spec, i) => {
    const out = outputs[i];
    if (spec.shape[0] !== 'batch' || spec.shape.slice(1).some((d) => typeof d !== 'number' || d <= 0)) {
      throw new Error(
        `state '${spec.name}': shape must be ['batch', positive dims...], got ${JSON.stringify(spec.shape)}`,
      );
    }
    if (JSON.stringify(out.shape) !== JSON.stringify(spec.shape)) {
      throw new Error(`state '${spec.name}' and '${out.name}' have different shapes`);
    }
    const rowShape = spec.shape.slice(1) as number[];
    return {
      inputName: spec.name,
      outputName: out.name,
      rowShape,
      rowSize: rowShape.reduce((a, b) => a * b, 1),
    };
  });
}
