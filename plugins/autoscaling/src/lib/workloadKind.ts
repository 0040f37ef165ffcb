import type { WorkloadRef } from '@internal/plugin-autoscaling-common';

/** The words the page uses for one kind of workload. */
export interface WorkloadKindWords {
  /** What the workload is: "Deployment", "StatefulSet", "Compose service". */
  noun: string;
  /**
   * The label of the CPU utilisation figure: what the percentage is of. Kubernetes pods have
   * CPU requests; a Compose service has none, so its figure is of the container's CPU limit.
   */
  cpuLabel: string;
}

/**
 * Kind → words, in one place: a component asks here instead of branching on the kind (a
 * Docker Compose service is not a Deployment, and its CPU figure is not of requests).
 */
export function workloadKindWords(
  kind: WorkloadRef['kind'],
): WorkloadKindWords {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
      return { noun: kind, cpuLabel: 'CPU of requests' };
    case 'ComposeService':
      return { noun: 'Compose service', cpuLabel: 'CPU of limit' };
    default:
      // A kind this page does not know yet (a newer backend): its name, and no claim of what
      // the CPU figure is a share of.
      return { noun: String(kind), cpuLabel: 'CPU' };
  }
}

/** Where the workload runs, e.g. "Deployment in prod-eu/shop", "Compose service in compose-demo/demo". */
export function describeWorkloadPlacement(ref: WorkloadRef): string {
  return `${workloadKindWords(ref.kind).noun} in ${ref.cluster}/${
    ref.namespace
  }`;
}
