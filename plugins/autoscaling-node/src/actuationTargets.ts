import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ClusterClient } from './clusterClient';

/**
 * One host of a target kind other than Kubernetes (a Docker host running Compose projects,
 * ...), evaluated by the engine like a cluster: its own evaluator, scheduler task, circuit
 * breaker and kill switch coverage. Workloads on it are linked to catalog Components by the
 * same annotations as Kubernetes workloads (the label selector is matched by `client`).
 */
export interface ActuationTarget {
  /** Unique among clusters and targets: it is the `cluster` part of workload ids. */
  readonly name: string;
  /** The kind of target, e.g. `docker-compose` (Kubernetes clusters are `kubernetes`). */
  readonly kind: string;
  readonly title?: string;
  /** Where it is reached, for the platform page (socket path or URL; never credentials). */
  readonly endpoint?: string;
  readonly client: ClusterClient;
}

export interface AutoscalingActuationTargetsExtensionPoint {
  addActuationTarget(target: ActuationTarget): void;
}

/** Lets backend modules add actuation targets of another kind (Docker Compose hosts, ...). */
export const autoscalingActuationTargetsExtensionPoint =
  createExtensionPoint<AutoscalingActuationTargetsExtensionPoint>({
    id: 'autoscaling.actuation-targets',
  });
