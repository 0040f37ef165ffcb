/**
 * The target-facing types moved to @internal/plugin-autoscaling-node (clusterClient.ts), so
 * actuation target modules can implement `ClusterClient`; re-exported here unchanged.
 */
export { ScaleConflictError } from '@internal/plugin-autoscaling-node';
export type {
  ClusterClient,
  ContainerResourcesUpdate,
  OtherAutoscaler,
  PodUsage,
  ScaleState,
  WorkloadCoordinates,
  WorkloadKind,
  WorkloadObject,
} from '@internal/plugin-autoscaling-node';
