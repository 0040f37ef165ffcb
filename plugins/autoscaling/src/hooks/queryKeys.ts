/** Live views refetch on this interval (ms). */
export const POLL_INTERVAL_MS = 15_000;

export const queryKeys = {
  all: ['autoscaling'] as const,
  entityState: (entityRef: string) =>
    ['autoscaling', 'entity-state', entityRef] as const,
  workload: (id: string, what: string) =>
    ['autoscaling', 'workload', id, what] as const,
  permissions: (entityRef?: string) =>
    ['autoscaling', 'permissions', entityRef ?? ''] as const,
  tenant: (tenant: string) => ['autoscaling', 'tenant', tenant] as const,
  effectivePolicy: (entityRef: string) =>
    ['autoscaling', 'policy', 'effective', entityRef] as const,
  policy: (level: string, name: string) =>
    ['autoscaling', 'policy', level, name] as const,
  policies: ['autoscaling', 'policy'] as const,
  metricSources: (entityRef: string) =>
    ['autoscaling', 'metric-sources', entityRef] as const,
  changeRequests: (status?: string) =>
    ['autoscaling', 'change-requests', status ?? 'all'] as const,
  engineStatus: ['autoscaling', 'engine-status'] as const,
  workloads: ['autoscaling', 'workloads'] as const,
  clusterCosts: ['autoscaling', 'cluster-costs'] as const,
  audit: (filter: object) => ['autoscaling', 'audit', filter] as const,
  auditVerify: ['autoscaling', 'audit-verify'] as const,
};
