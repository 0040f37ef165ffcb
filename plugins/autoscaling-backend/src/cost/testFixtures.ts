import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import { priceCatalogSchema } from '@internal/plugin-autoscaling-engine';
import type { StoredWorkload, WorkloadRecord } from '../store/EngineStore';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import { CostService } from './CostService';

/** 2026-01-11 00:00 UTC: 504 hours left in January. */
export const NOW = Date.UTC(2026, 0, 11);
export const GIB = 2 ** 30;

/** Round prices (per hour): CPU 0.04 / 0.012 spot, GiB 0.005 / 0.0015, GPU 1 / 0.3. */
export const CATALOG = priceCatalogSchema.parse({
  currency: 'EUR',
  entries: [
    {
      cloud: 'test',
      region: 'r1',
      family: 'f1',
      cpuCoreHour: { onDemand: 0.04, spot: 0.012 },
      memoryGiBHour: { onDemand: 0.005, spot: 0.0015 },
      gpuHour: { onDemand: 1, spot: 0.3 },
    },
  ],
  clusters: {
    a: {
      cloud: 'test',
      region: 'r1',
      family: 'f1',
      capacity: { cpuCores: 8, memoryGiB: 32 },
    },
    spotty: { cloud: 'test', region: 'r1', family: 'f1', spot: true },
  },
});

export const service = () =>
  new CostService({ catalog: CATALOG, clock: () => NOW });

export const ACME: TenantInfo = {
  name: 'acme',
  entityRef: 'group:default/acme',
  tier: 'premium',
  replicaQuota: 40,
  monthlyBudget: 150,
};

export function record(
  id: string,
  overrides: Partial<WorkloadRecord> = {},
): WorkloadRecord {
  const [cluster, namespace, kind, name] = id.split('/');
  return {
    id,
    entityRef: `component:default/${name}`,
    cluster,
    namespace,
    kind: kind as WorkloadRecord['kind'],
    name,
    tenant: 'acme',
    environment: 'production',
    tier: 'premium',
    ...overrides,
  };
}

export function status(
  r: WorkloadRecord,
  replicas: number,
  min = 2,
  max = 10,
): WorkloadState {
  return {
    id: r.id,
    ref: {
      cluster: r.cluster,
      namespace: r.namespace,
      kind: r.kind,
      name: r.name,
    },
    entityRef: r.entityRef,
    tenant: r.tenant,
    environment: r.environment,
    tier: r.tier,
    mode: 'auto',
    currentReplicas: replicas,
    readyReplicas: replicas,
    desiredReplicas: replicas,
    minReplicas: min,
    maxReplicas: max,
    cpuUtilization: 50,
    hourlyCost: null,
    lastEvaluatedAt: new Date(NOW).toISOString(),
    conditions: [],
    metrics: [],
    lastDecision: null,
    predictiveFloor: null,
  };
}

/**
 * checkout: Deployment, 4 × (0.5 core, 1 GiB), using 1 core and 2 GiB → 2 cores, 4 GiB:
 * 0.08 + 0.02 = 0.10/h. 50 so far this month over 240 h, 720 replica-hours, peak 6.
 */
export function checkout(): StoredWorkload {
  const r = record('a/acme-prod/Deployment/checkout');
  const cost = service().accumulate('a', undefined, {
    nowMs: NOW - 60_000,
    replicas: 4,
    cpuRequestCores: 0.5,
    memoryRequestBytes: GIB,
    cpuUsageCores: 1,
    memoryUsageBytes: 2 * GIB,
  });
  return {
    ...r,
    state: {
      cost: {
        ...cost,
        monthToDate: 50,
        breakdown: { cpu: 40, memory: 10, gpu: 0 },
        trackedHours: 240,
        replicaHours: 720,
        peakReplicas: 6,
      },
      spotReadiness: { hasDisruptionBudget: true, hasLocalState: false },
    },
    status: status(r, 4),
    updatedAt: NOW - 60_000,
  };
}

/** db: StatefulSet, 2 × (1 core, 2 GiB): 0.10/h; 30 so far, always 2 replicas. */
export function db(): StoredWorkload {
  const r = record('a/acme-prod/StatefulSet/db');
  const cost = service().accumulate('a', undefined, {
    nowMs: NOW - 60_000,
    replicas: 2,
    cpuRequestCores: 1,
    memoryRequestBytes: 2 * GIB,
  });
  return {
    ...r,
    state: {
      cost: {
        ...cost,
        monthToDate: 30,
        trackedHours: 240,
        replicaHours: 480,
        peakReplicas: 2,
      },
    },
    status: status(r, 2),
    updatedAt: NOW - 60_000,
  };
}

/** ledger (tenant globex): last evaluated in December, on cluster b (default prices), 1 × 1 core. */
export function ledger(): StoredWorkload {
  const r = record('b/globex/Deployment/ledger', {
    tenant: 'globex',
    tier: 'basic',
  });
  const cost = service().accumulate('b', undefined, {
    nowMs: Date.UTC(2025, 11, 31, 23),
    replicas: 1,
    cpuRequestCores: 1,
    memoryRequestBytes: 0,
  });
  return {
    ...r,
    state: { cost: { ...cost, monthToDate: 12 } },
    status: status(r, 1, 1, 3),
    updatedAt: 0,
  };
}
