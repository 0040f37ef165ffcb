import type { PodObservation } from '@internal/plugin-autoscaling-engine';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface WorkloadCoordinates {
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

/** A Deployment or StatefulSet as the engine needs it. */
export interface WorkloadObject extends WorkloadCoordinates {
  labels: Record<string, string>;
  /** The pod selector as a label-selector string, e.g. `app=checkout-api`. */
  podSelector: string;
  replicas: number;
  readyReplicas: number;
  /** Per-pod requests summed over containers (cores, bytes). */
  podRequests: { cpu?: number; memory?: number };
  /** Per container of the pod template: requests (cpu, memory) and limits. */
  containers: Array<{
    name: string;
    cpu?: number;
    memory?: number;
    limits?: { cpu?: number; memory?: number };
  }>;
}

/** The `scale` subresource: what is asked, what exists, and the version to write against. */
export interface ScaleState {
  replicas: number;
  statusReplicas: number;
  resourceVersion: string;
}

export interface PodUsage {
  cpu: number;
  memory: number;
  /** Per container, by container name (cores, bytes). */
  containers?: Record<string, { cpu: number; memory: number }>;
}

/** Thrown when a write's resourceVersion precondition failed (HTTP 409). */
export class ScaleConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaleConflictError';
  }
}

/** Everything the backend asks of one cluster. */
export interface ClusterClient {
  listWorkloads(options: {
    namespace?: string;
    labelSelector: string;
  }): Promise<WorkloadObject[]>;
  getScale(workload: WorkloadCoordinates): Promise<ScaleState>;
  /** Writes spec.replicas through the scale subresource, only if resourceVersion still matches. */
  replaceScale(
    workload: WorkloadCoordinates,
    replicas: number,
    resourceVersion: string,
  ): Promise<ScaleState>;
  listPods(namespace: string, labelSelector: string): Promise<PodObservation[]>;
  /** metrics.k8s.io pod usage, by pod name. */
  podMetrics(namespace: string, labelSelector: string): Promise<Record<string, PodUsage>>;
}
