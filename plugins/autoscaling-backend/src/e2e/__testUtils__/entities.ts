import type { Entity } from '@backstage/catalog-model';

/** A service Component linked to its workload the way the Kubernetes plugin links it. */
export function serviceComponent(options: {
  name: string;
  namespace: string;
  environment: 'production' | 'staging';
  owner?: string;
}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: options.name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': options.name,
        'backstage.io/kubernetes-namespace': options.namespace,
        'autoscaling.io/tenant': 'acme',
        'autoscaling.io/environment': options.environment,
      },
    },
    spec: {
      type: 'service',
      owner: options.owner ?? 'group:default/acme-checkout',
      lifecycle: 'production',
    },
  };
}

/** The `acme` tenant: enterprise tier, a quota of 60 replicas. */
export const ACME_TENANT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'acme',
    namespace: 'default',
    annotations: {
      'autoscaling.io/tier': 'enterprise',
      'autoscaling.io/replica-quota': '60',
    },
  },
  spec: { type: 'tenant', children: [] },
};
