/**
 * `neurotwin bench inference`: neuron-steps per second of a model through the batch
 * scheduler, N streams together and one stream alone, the arithmetic this implies, and, in the
 * same run, onnxruntime's dense-matmul speed on this machine with the same thread count (the
 * ceiling) and the ratio to it.
 */
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { BatchScheduler } from '../inference/batch-scheduler.js';
import type { BinnedSpikes } from '../core/spikes.js';
import { measureMatmul, type MatmulFigure } from '../inference/matmul-limit.js';
import { stepFlops } from '../inference/step-cost.js';
import { StepModel } from '../inference/step-model.js';
import type { EngineChoice, InferenceEngine } from '../inference/stream-batch.js';
import { ModelRegistry, defaultModelsDir, type RegisteredModel } from '../registry/registry.js';
import { benchInputs } from './bench-inputs.js';

export interface InferenceBenchOptions {
  model: string;
  streams: number;
  bins: number;
  singleBins: number;
  threads: number;
  seed: number;
  rateHz: number;
  matmulSize: number;
  /** default auto */
  engine?: EngineChoice;
  /** threads the kernel batch is split over (the calling one and shards − 1 workers; default 1) */
  shards?: number;
}

export interface InferenceBenchResult {
  model: string;
  architecture: string;
  parameterCount: number;
  stepInput: 'input' | 'active';
  /** what stepped the streams: the resident kernels or the step graph in onnxruntime */
  engine: InferenceEngine;
  /** threads of the batched run (the one-stream and onnxruntime runs use one) */
  shards: number;
  inputs: string;
  meanActiveSynapses: number;
  threads: number;
  streams: number;
  bins: number;
  batchedStepsPerSecond: number;
  singleStepsPerSecond: number;
  batchedOverSingle: number;
  /** neurons kept in real time (1 bin per ms) by the batched figure */
  realTimeNeurons: number;
  runsPerSecond: number;
  /** per neuron-step as the step graph computes it (null when the architecture is not conv layers) */
  flopsPerStep: number | null;
  denseFlopsPerStep: number | null;
  achievedGflops: number | null;
  matmul: MatmulFigure;
  matmulGflops: number;
  /** achieved / matmul */
  ratioToMatmul: number | null;
  /** the batched run again, in blocks of bins per step where the engine can (work submitted ahead) */
  blockedStepsPerSecond: number;
  /** the one-stream run in blocks */
  singleBlockedStepsPerSecond: number;
  /** the step graph in onnxruntime on the same streams and inputs, when the kernels ran (the baseline) */
  onnxBatchedStepsPerSecond: number | null;
  /** batched kernels / batched onnxruntime */
  kernelsOverOnnx: number | null;
}

/** A model id in the registry, or a path to a model directory. */
export function findModel(spec: string): RegisteredModel {
  const asPath = resolve(spec);
  const [dir, id] = existsSync(resolve(asPath, 'manifest.json'))
    ? [dirname(asPath), basename(asPath)]
    : [defaultModelsDir(), spec];
  const registry = ModelRegistry.load(dir);
  const entry = registry.get(id);
  if (!entry) {
    const problem = registry.problems.find((p) => basename(p.dir) === id);
    throw new Error(
      problem
        ? problem.error
        : `no model '${spec}' (available in ${dir}: ${registry.ids().join(', ') || 'none'})`,
    );
  }
  return entry;
}

/**
 * Bins every stream steps before the timed run (not counted): every block size the run will use,
 * and time for V8 to compile the kernels of a new worker's WebAssembly with its optimising tier.
 */
const WARM_UP_BINS = 64;
/** Bins per stream of the onnxruntime baseline (one run per bin: slow; its rate does not depend on it). */
const BASELINE_BINS = 200;

async function stepsPerSecond(
  model: StepModel,
  inputs: BinnedSpikes[],
  streams: number,
  engine: EngineChoice,
  shards: number,
  maxBins: number | undefined,
): Promise<{ rate: number; runs: number; seconds: number; engine: InferenceEngine }> {
  const sched = new BatchScheduler(model, streams, undefined, { engine, shards, maxBins });
  const opened = Array.from({ length: streams }, () => sched.open());
  // steady state: the batch's arena, its onnxruntime sessions and workers are made on first use
  const warm = inputs.map((p) => ({ ...p, count: Math.min(WARM_UP_BINS, p.count) }));
  await Promise.all(opened.map((s, i) => sched.submit(s, warm[i % warm.length])));
  const rows0 = sched.rowsStepped;
  const runs0 = sched.runs;
  const t0 = performance.now();
  await Promise.all(opened.map((s, i) => sched.submit(s, inputs[i % inputs.length])));
  const seconds = (performance.now() - t0) / 1000;
  for (const s of opened) sched.close(s);
  await sched.dispose();
  return {
    rate: (sched.rowsStepped - rows0) / seconds,
    runs: (sched.runs - runs0) / seconds,
    seconds,
    engine: sched.engine,
  };
}

function truncate(f: BinnedSpikes, count: number): BinnedSpikes {
  return { ...f, count: Math.min(count, f.count) };
}

export async function benchInference(o: InferenceBenchOptions): Promise<InferenceBenchResult> {
  const entry = findModel(o.model);
  const m = entry.manifest;
  const model = await StepModel.load(m, entry.stepPath, o.threads);
  const engine = o.engine ?? 'auto';
  const shards = o.shards ?? 1;
  try {
    const inputs = benchInputs(
      m.inputs.nExc,
      m.inputs.nInh,
      Math.max(o.bins, o.singleBins),
      64,
      o.seed,
      o.rateHz,
    );
    const batchInputs = inputs.patterns.map((p) => truncate(p, o.bins));
    const singleInputs = inputs.patterns.map((p) => truncate(p, o.singleBins));
    await stepsPerSecond(
      model,
      batchInputs.map((p) => truncate(p, 10)),
      o.streams,
      engine,
      shards,
      undefined,
    ); // warm-up
    // bin by bin, as in real time (a network, a REALTIME stream): the figures of the targets
    const single = await stepsPerSecond(model, singleInputs, 1, engine, 1, 1);
    const batched = await stepsPerSecond(model, batchInputs, o.streams, engine, shards, 1);
    // blocks of bins, as the scheduler steps work submitted ahead (ASAP streams, datasets)
    const blocked = await stepsPerSecond(model, batchInputs, o.streams, engine, shards, undefined);
    const singleBlocked = await stepsPerSecond(model, singleInputs, 1, engine, 1, undefined);
    const baseline =
      batched.engine === 'kernels'
        ? await stepsPerSecond(
            model,
            batchInputs.map((p) => truncate(p, BASELINE_BINS)),
            o.streams,
            'onnx',
            1,
            1,
          )
        : null;
    const matmul = await measureMatmul(o.matmulSize, o.threads);
    const flops = stepFlops(m, inputs.meanActive);
    const perStep = flops ? (model.inputForm === 'active' ? flops.queue : flops.dense) : null;
    const achieved = perStep !== null ? (perStep * batched.rate) / 1e9 : null;
    return {
      model: m.id,
      architecture: m.architecture.name,
      parameterCount: m.architecture.parameterCount,
      stepInput: model.inputForm,
      engine: batched.engine,
      shards: batched.engine === 'kernels' ? shards : 1,
      inputs: inputs.source,
      meanActiveSynapses: inputs.meanActive,
      threads: o.threads,
      streams: o.streams,
      bins: o.bins,
      batchedStepsPerSecond: batched.rate,
      singleStepsPerSecond: single.rate,
      batchedOverSingle: batched.rate / single.rate,
      realTimeNeurons: Math.floor(batched.rate / 1000),
      runsPerSecond: batched.runs,
      flopsPerStep: perStep,
      denseFlopsPerStep: flops ? flops.dense : null,
      achievedGflops: achieved,
      matmul,
      matmulGflops: matmul.gflops,
      ratioToMatmul: achieved !== null ? achieved / matmul.gflops : null,
      blockedStepsPerSecond: blocked.rate,
      singleBlockedStepsPerSecond: singleBlocked.rate,
      onnxBatchedStepsPerSecond: baseline ? baseline.rate : null,
      kernelsOverOnnx: baseline ? batched.rate / baseline.rate : null,
    };
  } finally {
    await model.dispose();
  }
}

export function printInferenceBench(r: InferenceBenchResult): void {
  const f = (x: number | null, d = 1): string => (x === null ? 'n/a' : x.toFixed(d));
  process.stdout.write(
    [
      `model ${r.model} (${r.architecture}, ${r.parameterCount} parameters, step input '${r.stepInput}'), ${r.engine} engine${r.shards > 1 ? ` on ${r.shards} threads` : ''}, ${r.threads} onnxruntime thread(s)`,
      `inputs: ${r.inputs}, ${r.meanActiveSynapses.toFixed(2)} spiking synapses per bin on average`,
      `batched (${r.streams} streams x ${r.bins} bins, one bin per step): ${r.batchedStepsPerSecond.toFixed(0)} neuron-steps/s (${r.realTimeNeurons} neurons in real time, ${r.runsPerSecond.toFixed(0)} runs/s)`,
      `one stream alone:   ${r.singleStepsPerSecond.toFixed(0)} steps/s`,
      `batched / one:      ${r.batchedOverSingle.toFixed(1)}x   (all bin by bin, as in real time)`,
      `in blocks of bins:  ${r.blockedStepsPerSecond.toFixed(0)} neuron-steps/s batched, ${r.singleBlockedStepsPerSecond.toFixed(0)} one stream alone`,
      `arithmetic:         ${f(r.flopsPerStep, 0)} FLOP per step (dense graph: ${f(r.denseFlopsPerStep, 0)}), ${f(r.achievedGflops, 2)} GFLOP/s`,
      `dense matmul limit: ${r.matmulGflops.toFixed(1)} GFLOP/s (${r.matmul.size}^3, same threads); ratio ${f(r.ratioToMatmul, 4)}`,
      ...(r.onnxBatchedStepsPerSecond !== null
        ? [
            `step graph in onnxruntime, same streams: ${r.onnxBatchedStepsPerSecond.toFixed(0)} neuron-steps/s (kernels ${f(r.kernelsOverOnnx, 1)}x)`,
          ]
        : []),
    ].join('\n') + '\n',
  );
}
