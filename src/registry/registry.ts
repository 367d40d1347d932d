/**
 * The model registry: every models/<id>/manifest.json under the models directory, checked on load.
 * Directories whose manifest is missing or invalid are reported in `problems`, not served.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelManifest, ModelMetrics } from '../core/manifest.js';
import { validateManifest } from './validate.js';

export interface RegisteredModel {
  manifest: ModelManifest;
  dir: string;
  stepPath: string;
  sequencePath: string;
  cardPath: string;
}

export interface ModelSummary {
  id: string;
  neuron: string;
  description: string;
  architecture: string;
  parameterCount: number;
  inputs: { nExc: number; nInh: number; order: string };
  outputs: { spikeProb: string; voltage: string };
  receptiveField: number;
  metrics: ModelMetrics | null;
}

/** NEUROTWIN_MODELS, or ./models. */
export function defaultModelsDir(): string {
  return resolve(process.env.NEUROTWIN_MODELS ?? 'models');
}

export class ModelRegistry {
  private constructor(
    readonly dir: string,
    private readonly models: Map<string, RegisteredModel>,
    readonly problems: { dir: string; error: string }[],
  ) {}

  /** Reads every <dir>/<id>/manifest.json. A missing models directory gives an empty registry. */
  static load(dir: string = defaultModelsDir()): ModelRegistry {
    const models = new Map<string, RegisteredModel>();
    const problems: { dir: string; error: string }[] = [];
    const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const modelDir = join(dir, entry.name);
      const manifestPath = join(modelDir, 'manifest.json');
      if (!existsSync(manifestPath)) continue;
      try {
        const raw: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
        const manifest = validateManifest(raw, entry.name);
        const stepPath = join(modelDir, manifest.files.step);
        if (!existsSync(stepPath)) throw new Error(`step graph ${manifest.files.step} is missing`);
        models.set(manifest.id, {
          manifest,
          dir: modelDir,
          stepPath,
          sequencePath: join(modelDir, manifest.files.sequence),
          cardPath: join(modelDir, manifest.files.card),
        });
      } catch (err) {
        problems.push({ dir: modelDir, error: `${manifestPath}: ${(err as Error).message}` });
      }
    }
    return new ModelRegistry(dir, models, problems);
  }

  get(id: string): RegisteredModel | undefined {
    return this.models.get(id);
  }

  /** A model id as given, or a neuron's name ('l5pc-nmda') standing for its default twin. */
  resolve(name: string): string {
    if (this.models.has(name)) return name;
    for (const [id, m] of this.models)
      if (m.manifest.neuron === name && m.manifest.default === true) return id;
    return name;
  }

  ids(): string[] {
    return [...this.models.keys()].sort();
  }

  list(): ModelSummary[] {
    return this.ids().map((id) => summarize(this.models.get(id)!.manifest));
  }
}

export function summarize(m: ModelManifest): ModelSummary {
  return {
    id: m.id,
    neuron: m.neuron,
    description: m.description,
    architecture: m.architecture.name,
    parameterCount: m.architecture.parameterCount,
    inputs: m.inputs,
    outputs: m.outputs,
    receptiveField: m.receptiveField,
    metrics: m.metrics?.test ?? null,
  };
}
