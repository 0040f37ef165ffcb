/**
 * A Kubernetes-API-compatible simulated cluster with a load model, for development, demos and
 * tests. See README.md.
 */
export { startClusterSim } from './start';
export type { StartOptions, RunningClusterSim } from './start';
export { createAcceleratedClock, createManualClock } from './clock';
export type { SimClock } from './clock';
export { parseConfig, loadConfigFile, ConfigError } from './config/parse';
export type {
  ClusterSimConfig,
  WorkloadConfig,
  TokenConfig,
} from './config/types';
export { ClusterSim } from './sim/cluster';
export type { WorkloadSummary } from './sim/cluster';
export type { FaultSpec } from './faults/faults';
export type { RequestLogEntry } from './server/requestLog';
export {
  syntheticDemand,
  traceDemand,
  parseTraceCsv,
  constantDemand,
} from './load/demand';
export type { DemandModel, SyntheticProfile } from './load/demand';
