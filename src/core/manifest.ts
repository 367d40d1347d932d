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
  /** spike flag threshold on spike_prob used when streaming */
  spikeThreshold: number;
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
  };
  /** `dataCommand` generated the test data, `command` scored the model on it */
  metrics?: { test: ModelMetrics; data: string; dataCommand?: string; command: string };
  createdAt: string;
}
