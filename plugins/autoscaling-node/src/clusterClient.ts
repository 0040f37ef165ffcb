/**
 * The target-facing types of the autoscaling engine: what it reads of a workload and how it
 * writes a replica count. A Kubernetes cluster implements `ClusterClient` in the backend; an
 * actuation target module (see actuationTargets.ts) implements it for another kind of host.
 */
import type { PodObservation } from '@internal/plugin-autoscaling-engine';

/**
 * A Kubernetes Deployment or StatefulSet, or a Docker Compose service (a target module's
 * containers of one service, see plugins/autoscaling-backend-module-docker-compose). The
 * Kubernetes client lists only Deployments and StatefulSets; a Compose host only its services.
 */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ComposeService';

export interface WorkloadCoordinates {
  namespace: string;
  kind: WorkloadKind;
  name: string;
}

/** A Deployment, StatefulSet or Compose service as the engine needs it. */
export interface WorkloadObject extends WorkloadCoordinates {
  labels: Record<string, string>;
  /** The pod selector as a label-selector string, e.g. `app=checkout-api`. */
  podSelector: string;
  replicas: number;
  readyReplicas: number;
  /** Replicas that exist now (`status.replicas`; containers of a Compose service). */
  statusReplicas?: number;
  /** Per-pod requests summed over containers (cores, bytes). */
  podRequests: { cpu?: number; memory?: number };
  /** Per container of the pod template: requests (cpu, memory) and limits. */
  containers: Array<{
    name: string;
    cpu?: number;
    memory?: number;
    limits?: { cpu?: number; memory?: number };
  }>;
  /** The object's resourceVersion when listed (a template write is conditional on it). */
  resourceVersion?: string;
  /**
   * A rollout is under way: the controller has not seen the latest spec yet, or not every
   * replica runs the current template (what `vertical.mode: Initial` waits for).
   */
  rolling?: boolean;
}

/**
 * Another autoscaler that scales a workload: an `autoscaling/v2` HorizontalPodAutoscaler or a
 * KEDA ScaledObject. The engine does not write a workload one of these targets (two controllers
 * writing one replica count oscillate); the page names it and the HPA's spec can be imported.
 */
export interface OtherAutoscaler {
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  namespace: string;
  name: string;
  target: { kind: string; name: string };
  minReplicas?: number;
  maxReplicas?: number;
  /** The HPA's `spec.metrics` and `spec.behavior` (autoscaling/v2), for the import. */
  metrics?: unknown[];
  behavior?: unknown;
}

/** New resources of one container (cores and bytes; a limit left out stays as it is). */
export interface ContainerResourcesUpdate {
  name: string;
  requests: { cpu?: number; memory?: number };
  limits?: { cpu?: number; memory?: number };
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

/**
 * Everything the backend asks of one actuation target: a Kubernetes cluster, or a host of
 * another target kind (Docker Compose, ...) that maps its services onto these calls.
 */
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
  /**
   * HPAs and KEDA ScaledObjects of the cluster (one list each per tick, not per workload). A
   * cluster without KEDA's CRD has no ScaledObjects.
   */
  listOtherAutoscalers(): Promise<OtherAutoscaler[]>;
  /** metrics.k8s.io pod usage, by pod name. */
  podMetrics(
    namespace: string,
    labelSelector: string,
  ): Promise<Record<string, PodUsage>>;
  /**
   * Whether the cluster serves the `pods/resize` subresource (in-place pod resize, beta and on
   * by default from Kubernetes 1.33). Optional: a client without it never resizes in place.
   */
  supportsPodResize?(): Promise<boolean>;
  /** Resizes one running pod's containers in place through `pods/resize` (no restart). */
  resizePod?(
    namespace: string,
    pod: string,
    containers: ContainerResourcesUpdate[],
  ): Promise<void>;
  /**
   * Sets containers' resources on the workload's pod template (strategic merge patch,
   * conditional on `resourceVersion` when given: 409 becomes ScaleConflictError). The
   * Deployment then rolls within its maxSurge/maxUnavailable.
   */
  /**
   * The PodDisruptionBudgets of a namespace that select some of these pods and allow no
   * disruption now (`status.disruptionsAllowed` < 1), in words: a rolling update of the
   * template waits while there is one. Throws when they cannot be read.
   */
  disruptionBudgetsBlocking(
    namespace: string,
    labelSelector: string,
  ): Promise<string[]>;
  patchTemplateResources?(
    workload: WorkloadCoordinates,
    containers: ContainerResourcesUpdate[],
    resourceVersion?: string,
  ): Promise<void>;
}
