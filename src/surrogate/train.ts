import { relativeCommand } from '../core/command-line.js';
import { totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { meanEventsPerMs } from './dataset-files.js';
import type { Trial } from '../dataset/trial.js';
import { buildArchitecture } from './architectures/registry.js';
import {
  type NetworkSpec,
  type NetworkWeights,
  type VoltageTarget,
  receptiveField,
  trainingBytes,
} from './architectures/spec.js';
import {
  type CheckpointState,
  type EpochRecord,
  type TrainConfig,
  type TrainingDataInfo,
  hasCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
import { surrogateLoss } from './losses.js';
import { TfNetwork, initialWeights } from './network.js';
import { Rng } from '../core/rng.js';
import {
  WindowBatcher,
  type WindowRef,
  fitVoltageTarget,
  nInputsOf,
  prepareTrials,
  spikeRate,
} from './windows.js';

export interface TrainInput {
  config: TrainConfig;
  train: readonly Trial[];
  valid: readonly Trial[];
  /** model directory; the checkpoint lives in <outDir>/checkpoint/ */
  outDir: string;
  backend: string;
  /** the command line that started this run (recorded) */
  command?: string;
  /** the commands that generated the training and validation data (recorded before `command`) */
  dataCommands?: string[];
  /** seeds identifying the datasets, recorded in the manifest (default: first trial seeds) */
  dataSeeds?: Record<string, number>;
  dataInfo?: TrainingDataInfo;
  /**
   * A resumed run that brings new training data continues at this learning rate (the drops of the
   * earlier data restart from it); absent: where those drops left it.
   */
  newDataLr?: number;
  log?: (line: string) => void;
}

export interface TrainResult {
  spec: NetworkSpec;
  best: NetworkWeights;
  voltageTarget: VoltageTarget;
  bestValid: number;
  bestEpoch: number;
  history: EpochRecord[];
  state: CheckpointState;
}

/** Seed offset of the fixed validation windows, so they never coincide with training draws. */
const VALID_SEED_OFFSET = 0x9e37;

/**
 * Adam on random windows, one validation pass per epoch over a fixed window set, early stopping on
 * the validation loss, best weights kept. A checkpoint after every epoch; a run with an existing
 * checkpoint in outDir continues from it (the optimizer moments restart).
 */
export async function trainSurrogate(input: TrainInput): Promise<TrainResult> {
  const { config, outDir } = input;
  const log = input.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  validateConfig(config);
  const { nExc, nInh } = nInputsOf(input.train);
  const nv = nInputsOf(input.valid);
  if (nv.nExc !== nExc || nv.nInh !== nInh)
    throw new Error(`validation trials have ${nv.nExc}/${nv.nInh} synapses, training trials ${nExc}/${nInh}`);
  const nInputs = nExc + nInh;

  let state: CheckpointState;
  if (hasCheckpoint(outDir)) {
    state = loadCheckpoint(outDir);
    assertSameRun(state.config, config);
    log(
      `resuming from checkpoint: ${state.epoch} epochs done, best valid ${state.bestValid.toFixed(5)} (epoch ${state.bestEpoch})`,
    );
    // data files added since: their generating commands come before this run's
    state.commands = state.commands.map((c) => relativeCommand(c));
    for (const c of input.dataCommands ?? []) if (!state.commands.includes(c)) state.commands.push(c);
    if (input.command) state.commands.push(input.command);
  } else {
    const spec = buildArchitecture(config.arch, nInputs, config.archParams);
    const rng = new Rng(config.seed);
    const weights = initialWeights(spec, rng, spikeRate(input.train));
    state = {
      config,
      spec,
      nExc,
      dataSeeds: input.dataSeeds ?? {
        trainFirstTrial: input.train[0].seed,
        validFirstTrial: input.valid[0].seed,
      },
      voltageTarget: fitVoltageTarget(input.train, config.convention),
      backend: input.backend,
      epoch: 0,
      bestValid: Infinity,
      bestEpoch: 0,
      epochsSinceBest: 0,
      finished: false,
      rng: rng.getState(),
      history: [],
      commands: [...(input.dataCommands ?? []), ...(input.command ? [input.command] : [])],
      current: weights,
      best: weights,
    };
  }
  // a resumed run may ask for more epochs or more patience, or bring more training data; with new
  // data it continues from the best weights so far and its patience starts afresh
  if (state.config.data !== config.data && state.epoch > 0) {
    log(
      `training data changed (${state.config.data} -> ${config.data}): continuing from the best epoch ${state.bestEpoch}`,
    );
    state.current = state.best;
    state.epochsSinceBest = 0;
    if (input.newDataLr !== undefined) {
      if (!(input.newDataLr > 0) || !Number.isFinite(input.newDataLr))
        throw new Error(`the learning rate for new data must be a positive number, got ${input.newDataLr}`);
      state.lrScale = input.newDataLr / config.lr;
      log(`new data: learning rate ${input.newDataLr.toPrecision(3)}`);
    }
  }
  state.config = {
    ...state.config,
    epochs: config.epochs,
    patience: config.patience,
    lrDropPatience: config.lrDropPatience,
    data: config.data,
  };
  if (input.dataInfo) state.dataInfo = input.dataInfo;
  if (input.dataSeeds) state.dataSeeds = input.dataSeeds;
  state.finished = state.epoch >= config.epochs || state.epochsSinceBest >= config.patience;
  if (state.finished) {
    log(`training already finished at epoch ${state.epoch} (best epoch ${state.bestEpoch}); nothing to do`);
    return result(state);
  }

  const spec = state.spec;
  checkFits(spec, config, meanEventsPerMs(input.train), input.backend);
  const rf = receptiveField(spec);
  const train = prepareTrials(input.train, config.convention, state.voltageTarget);
  const valid = prepareTrials(input.valid, config.convention, state.voltageTarget);
  const batcher = new WindowBatcher(train, nInputs, rf - 1, config.windowBins, config.batch);
  const validBatcher = new WindowBatcher(valid, nInputs, rf - 1, config.windowBins, config.batch);
  const validRefs = fixedValidationWindows(validBatcher, config);

  const rng = new Rng(config.seed);
  rng.setState(state.rng);
  const net = new TfNetwork(spec, state.current);
  let lr = config.lr * (state.lrScale ?? 1);
  let optimizer = tf.train.adam(lr);
  const vars = net.variables();
  const decayed = net.decayedVariables();
  const decay = config.weightDecay ?? 0;
  const yShape: [number, number] = [config.batch, config.windowBins];

  try {
    while (state.epoch < config.epochs && !state.finished) {
      const t0 = performance.now();
      let trainSum = 0;
      for (let s = 0; s < config.stepsPerEpoch; s++) {
        batcher.fill(batcher.draw(rng));
        const cost = tf.tidy((): tf.Scalar => {
          const x = batcher.synaptic();
          const ys = tf.tensor2d(batcher.spikes, yShape);
          const yv = tf.tensor2d(batcher.voltage, yShape);
          const c = optimizer.minimize(
            () => surrogateLoss(net.forward(x, 'included'), ys, yv, config.lossWeights),
            true,
            vars,
          );
          if (!c) throw new Error('optimizer returned no loss');
          if (decay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - lr * decay));
          return c;
        });
        const c = (await cost.data())[0];
        cost.dispose();
        if (!Number.isFinite(c))
          throw new Error(`training loss became ${c} at epoch ${state.epoch + 1}, step ${s + 1}; lower --lr`);
        trainSum += c;
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const validLoss = await meanLoss(net, validBatcher, validRefs, config);
      const seconds = (performance.now() - t0) / 1000;
      state.epoch++;
      const record: EpochRecord = {
        epoch: state.epoch,
        trainLoss: trainSum / config.stepsPerEpoch,
        validLoss,
        seconds,
        stepsPerSecond: config.stepsPerEpoch / trainSeconds,
      };
      state.history.push(record);
      state.current = net.read();
      if (validLoss < state.bestValid) {
        state.bestValid = validLoss;
        state.bestEpoch = state.epoch;
        state.epochsSinceBest = 0;
        state.best = state.current;
      } else {
        state.epochsSinceBest++;
      }
      const stopEarly = state.epochsSinceBest >= config.patience;
      state.finished = stopEarly || state.epoch >= config.epochs;
      const drop = config.lrDropPatience ?? 0;
      const dropNow =
        !state.finished && drop > 0 && state.epochsSinceBest > 0 && state.epochsSinceBest % drop === 0;
      if (dropNow) {
        // back to the best weights at half the step; the moments restart with the new optimizer
        state.lrScale = (state.lrScale ?? 1) / 2;
        state.current = state.best;
        net.assign(state.best);
        optimizer.dispose();
        lr = config.lr * state.lrScale;
        optimizer = tf.train.adam(lr);
      }
      state.rng = rng.getState();
      saveCheckpoint(outDir, state);
      const meanEpoch = state.history.reduce((a, r) => a + r.seconds, 0) / state.history.length;
      const eta = state.finished ? 0 : (config.epochs - state.epoch) * meanEpoch;
      log(
        `epoch ${state.epoch}/${config.epochs}  train ${record.trainLoss.toFixed(5)}  valid ${validLoss.toFixed(5)}` +
          `${state.bestEpoch === state.epoch ? ' *' : ''}  ${seconds.toFixed(1)} s  ${record.stepsPerSecond.toFixed(2)} steps/s  ETA ${formatSeconds(eta)}`,
      );
      if (dropNow)
        log(
          `no improvement for ${state.epochsSinceBest} epochs: back to epoch ${state.bestEpoch}, learning rate ${lr.toPrecision(3)}`,
        );
      if (stopEarly)
        log(`early stop: no improvement for ${config.patience} epochs (best epoch ${state.bestEpoch})`);
    }
  } finally {
    optimizer.dispose();
    net.dispose();
  }
  return result(state);
}

/** wasm32 addresses at most 4 GiB; tfjs keeps its own structures beside the tensors */
const WASM_TENSOR_BUDGET = 3.5 * 2 ** 30;

/** Refuses, before any work, a configuration whose training step cannot fit the backend's memory. */
export function checkFits(
  spec: NetworkSpec,
  config: TrainConfig,
  eventsPerBin: number,
  backend: string,
): void {
  const bytes = trainingBytes(spec, config.batch, config.windowBins, eventsPerBin);
  const limit = backend === 'wasm' ? WASM_TENSOR_BUDGET : 0.8 * totalmem();
  if (bytes > limit) {
    const gb = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
    throw new Error(
      `'${spec.arch}' with batch ${config.batch} × ${config.windowBins} bins needs about ${gb(bytes)} of tensors per training step; ` +
        `the ${backend} backend can hold ${gb(limit)}: lower --batch or --window, or the architecture's widths and kernels`,
    );
  }
}

function result(state: CheckpointState): TrainResult {
  return {
    spec: state.spec,
    best: state.best,
    voltageTarget: state.voltageTarget,
    bestValid: state.bestValid,
    bestEpoch: state.bestEpoch,
    history: state.history,
    state,
  };
}

function fixedValidationWindows(batcher: WindowBatcher, config: TrainConfig): WindowRef[][] {
  const rng = new Rng((config.seed + VALID_SEED_OFFSET) >>> 0);
  const batches = Math.max(1, Math.ceil(config.validWindows / config.batch));
  return Array.from({ length: batches }, () => batcher.draw(rng));
}

async function meanLoss(
  net: TfNetwork,
  batcher: WindowBatcher,
  refs: WindowRef[][],
  config: TrainConfig,
): Promise<number> {
  let sum = 0;
  for (const batch of refs) {
    batcher.fill(batch);
    const loss = tf.tidy(() => {
      const x = batcher.synaptic();
      const ys = tf.tensor2d(batcher.spikes, [config.batch, config.windowBins]);
      const yv = tf.tensor2d(batcher.voltage, [config.batch, config.windowBins]);
      return surrogateLoss(net.forward(x, 'included'), ys, yv, config.lossWeights);
    });
    sum += (await loss.data())[0];
    loss.dispose();
  }
  return sum / refs.length;
}

function validateConfig(c: TrainConfig): void {
  const positiveInts: (keyof TrainConfig)[] = [
    'epochs',
    'stepsPerEpoch',
    'batch',
    'windowBins',
    'validWindows',
    'patience',
  ];
  for (const k of positiveInts) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new Error(`${k} must be a positive integer, got ${String(v)}`);
  }
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`lr must be a positive number, got ${c.lr}`);
  const wd = c.weightDecay ?? 0;
  if (!(wd >= 0) || !Number.isFinite(wd) || c.lr * wd >= 1)
    throw new Error(
      `weight decay must be a non-negative number with lr × decay < 1, got ${String(c.weightDecay)}`,
    );
  const dp = c.lrDropPatience ?? 0;
  if (!Number.isInteger(dp) || dp < 0)
    throw new Error(`lr drop patience must be a non-negative integer, got ${String(c.lrDropPatience)}`);
  if (!Number.isInteger(c.seed) || c.seed < 0)
    throw new Error(`seed must be a non-negative integer, got ${c.seed}`);
  if (!(c.lossWeights.spike >= 0) || !(c.lossWeights.voltage >= 0))
    throw new Error('loss weights must be non-negative');
}

/** A resumed run may extend epochs/patience, but must otherwise be the run that was checkpointed. */
function assertSameRun(saved: TrainConfig, now: TrainConfig): void {
  const keys: (keyof TrainConfig)[] = [
    'arch',
    'archParams',
    'neuron',
    'convention',
    'stepsPerEpoch',
    'batch',
    'windowBins',
    'validWindows',
    'lr',
    'seed',
    'lossWeights',
  ];
  if ((saved.weightDecay ?? 0) !== (now.weightDecay ?? 0))
    throw new Error(
      `the checkpoint was made with weight decay ${saved.weightDecay ?? 0}, this run asks for ${now.weightDecay ?? 0}; use another --out or the same settings`,
    );
  for (const k of keys) {
    if (JSON.stringify(saved[k]) !== JSON.stringify(now[k])) {
      throw new Error(
        `the checkpoint was made with ${k}=${JSON.stringify(saved[k])}, this run asks for ${JSON.stringify(now[k])}; use another --out or the same settings`,
      );
    }
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}
