/**
 * Catalog annotations the autoscaling suite reads. The Kubernetes ones are the same the
 * official Kubernetes plugin uses, so an entity is linked to its workloads once.
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/** Group annotations describing a tenant. */
export const TENANT_TIER_ANNOTATION = 'autoscaling.io/tier';
export const TENANT_REPLICA_QUOTA_ANNOTATION = 'autoscaling.io/replica-quota';
export const TENANT_MONTHLY_BUDGET_ANNOTATION = 'autoscaling.io/monthly-budget';
/** Optional Component annotation to opt a workload out of management. */
export const AUTOSCALING_MANAGED_ANNOTATION = 'autoscaling.io/managed';

/** Minimal entity shape so this module does not depend on catalog-model. */
export interface AnnotatedEntity {
  kind: string;
  metadata: { annotations?: Record<string, string> };
}

/** True when the entity is linked to Kubernetes workloads the engine can manage. */
export function isAutoscalingAvailable(entity: AnnotatedEntity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  if (annotations[AUTOSCALING_MANAGED_ANNOTATION] === 'false') return false;
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
  );
}
