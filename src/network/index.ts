/** Networks of neuron twins: the library API (see network.ts). */
export { Network, type NetworkOptions, type Population, type RunResult } from './network.js';
export type { DriveSpec } from './drive.js';
export type { ConnectionRule, ProjectionSpec } from './projection.js';
export { Projection } from './projection.js';
export { SpikeRecorder, VoltageRecorder } from './recorders.js';
export { writeNetworkFile } from './network-file.js';
