/**
 * The manifest of a model directory (models/<id>/manifest.json): what the model imitates, how to feed
 * it, what it outputs, how it was made and how well it does. Written by the export stage, read by the
 * registry, the inference stage and the clients.
 *
 * ONNX tensor contract (both graphs, float32):
 *   sequence.onnx  input  'input'        [batch, time, nExc + nInh]   (binary spikes, exc ids first)
 *                  output 'spike_prob'   [batch, time]                (probability of a spike label)
 *                  output 'voltage'      [batch, time]                (soma voltage prediction, mV)
 *   step.onnx      input  'input'        [batch, nExc + nInh]          one millisecond, dense (step.input
 *                                                                      'input' or absent), or
 *                  input  'active'       int64 [batch, slots]          one millisecond, sparse (step.input
 *                                                                      'active'): the ids of the synapses
 *                                                                      that spike in the bin (inhibitory
 *                                                                      ids offset by nExc), padded with
 *                                                                      the id nExc + nInh, which stands
 *                                                                      for no synapse; slots >= 1 varies
 *                                                                      from call to call
 *                  inputs state.inputs[i].name with state.inputs[i].shape ('batch' for the batch axis)
 *                  output 'spike_prob'   [batch], 'voltage' [batch]
 *                  outputs state.outputs[i].name, same shapes as the matching inputs
 * Initial state: all zeros.
 */
export interface StateTensorSpec {
  name: string;
  /** dims; the string 'batch' marks the batch axis */
  shape: (number | 'batch')[];
}

export interface ModelMetrics {
  spikeAuc: number;
  tprAtFpr0p1: number;
  tprAtFpr1: number;
  somaRmse: number;
  explainedVariance: number;
  scoredTrials: number;
  scoredBins: number;
  /** predicted spike events against the reference's spikes, ±toleranceMs, one to one */
  spikeTiming?: {
    predictedSpikes: number;
    referenceSpikes: number;
    precision: number;
    recall: number;
    toleranceMs: number;
  };
}

export interface LearningCurvePoint {
  simulatedHours: number;
  trainTrials: number;
  epochs: number;
  spikeAuc: number;
  somaRmse: number;
  data: string;
}

export interface ModelManifest {
  id: string;
  /** the neuron it imitates: 'if' | 'l5pc-nmda' | 'l5pc-ampa' */
  neuron: string;
  description: string;
  architecture: { name: string; params: Record<string, unknown>; parameterCount: number };
  inputs: { nExc: number; nInh: number; order: string };
  outputs: { spikeProb: string; voltage: string };
  /** receptive field in ms (bins of history the output depends on, current bin included) */
  receptiveField: number;
  /**
   * streamed spike events: a bin starts a predicted spike when spike_prob crosses this threshold
   * upwards at least spikeEvents.refractoryMs after the previous one
   */
  spikeThreshold: number;
  spikeEvents?: { refractoryMs: number; rule: string; calibration: string };
  step: {
    /** the step graph's input form (absent: 'input', dense) */
    input?: 'input' | 'active';
    inputs: StateTensorSpec[];
    outputs: StateTensorSpec[];
  };
  files: { sequence: string; step: string; card: string };
  training: {
    data: string;
    valid: string;
    seed: number;
    epochs: number;
    backend: string;
    commands: string[];
    dataSeeds: Record<string, number>;
    /** training trials and simulated hours; for compartmental cells the data's integrator */
    trials?: number;
    simulatedHours?: number;
    meanEventsPerMs?: number;
    integrationMethod?: string;
    dtMs?: number;
    /** spike-adaptive data: the fine substep of the bins around spikes */
    spikeDtMs?: number;
    morphology?: string;
    /** wall seconds of all epochs run */
    wallSeconds?: number;
  };
  /** `dataCommand` generated the test data, `command` scored the model on it */
  metrics?: { test: ModelMetrics; data: string; dataCommand?: string; command: string };
  /** test figures of the model as its training data grew (one point per amount of data) */
  learningCurve?: LearningCurvePoint[];
  /** streaming cost of one millisecond, measured by `evaluate --write-card` */
  stepCost?: {
    flops: number;
    microseconds: number;
    activeSynapses: number;
    stateFloats: number;
    /** what stepped it ('kernels' or 'onnx'; absent in cards measured before the kernels) */
    engine?: 'kernels' | 'onnx';
    command: string;
  };
  /** the default twin of its neuron: what a client gets when it names the neuron */
  default?: boolean;
  /** figures on input families outside the training statistics */
  outOfDistribution?: {
    family: string;
    description: string;
    metrics: ModelMetrics;
    /** the commands that generated the family's data and scored the model on it */
    commands?: string[];
  }[];
  createdAt: string;
}
