/**
 * Structural check of a manifest.json (src/core/manifest.ts), with messages that name the field.
 */
import type { ModelManifest } from '../core/manifest.js';

function fail(field: string, why: string): never {
  throw new Error(`manifest field '${field}' ${why}`);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'must be an object');
  return v as Record<string, unknown>;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') fail(field, 'must be a non-empty string');
  return v;
}

function count(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(field, `must be an integer >= ${min}`);
  return v;
}

function stateSpecs(v: unknown, field: string): void {
  if (!Array.isArray(v)) fail(field, 'must be an array');
  v.forEach((spec, i) => {
    const s = obj(spec, `${field}[${i}]`);
    str(s.name, `${field}[${i}].name`);
    if (!Array.isArray(s.shape) || s.shape.filter((d) => d === 'batch').length !== 1) {
      fail(`${field}[${i}].shape`, "must be an array with exactly one 'batch' entry");
    }
    for (const d of s.shape) {
      if (d !== 'batch' && (typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
        fail(`${field}[${i}].shape`, `holds ${JSON.stringify(d)}, not a positive integer or 'batch'`);
      }
    }
  });
}

/** Returns the manifest typed, or throws naming the first bad field. `dirName` must equal its id. */
export function validateManifest(raw: unknown, dirName?: string): ModelManifest {
  const m = obj(raw, '(root)');
  const id = str(m.id, 'id');
  if (dirName !== undefined && id !== dirName)
    fail('id', `is '${id}' but the model directory is '${dirName}'`);
  str(m.neuron, 'neuron');
  const inputs = obj(m.inputs, 'inputs');
  count(inputs.nExc, 'inputs.nExc', 0);
  count(inputs.nInh, 'inputs.nInh', 0);
  if ((inputs.nExc as number) + (inputs.nInh as number) === 0)
    fail('inputs', 'must declare at least one synapse');
  count(m.receptiveField, 'receptiveField', 1);
  const thr = m.spikeThreshold;
  if (typeof thr !== 'number' || !(thr > 0 && thr < 1)) fail('spikeThreshold', 'must be a number in (0, 1)');
  const arch = obj(m.architecture, 'architecture');
  str(arch.name, 'architecture.name');
  const step = obj(m.step, 'step');
  if (step.input !== undefined && step.input !== 'input' && step.input !== 'active')
    fail('step.input', `must be 'input' or 'active', got ${JSON.stringify(step.input)}`);
  stateSpecs(step.inputs, 'step.inputs');
  stateSpecs(step.outputs, 'step.outputs');
  if ((step.inputs as unknown[]).length !== (step.outputs as unknown[]).length) {
    fail('step.outputs', 'must have one entry per step.inputs entry');
  }
  const files = obj(m.files, 'files');
  str(files.step, 'files.step');
  str(files.sequence, 'files.sequence');
  str(files.card, 'files.card');
  obj(m.outputs, 'outputs');
  if (m.metrics !== undefined) obj(obj(m.metrics, 'metrics').test, 'metrics.test');
  return m as unknown as ModelManifest;
}
