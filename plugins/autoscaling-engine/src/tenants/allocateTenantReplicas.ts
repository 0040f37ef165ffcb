/**
 * Shares replicas between the workloads of one tick when their requests do not fit a tenant's
 * quota, the global maximum or the cluster's capacity.
 *
 * 1. Every workload keeps its minimum, whatever the limits (a minimum is a promise).
 * 2. What is left is given tier by tier (enterprise, then premium, then basic); inside a tier
 *    in proportion to need (requested − minimum), within each tenant's remaining quota.
 *
 * Pure and deterministic: ties break by workload id.
 */

export const TIER_PRIORITY = ['enterprise', 'premium', 'basic'] as const;
export type Tier = (typeof TIER_PRIORITY)[number];

export interface ReplicaRequest {
  workload: string;
  tenant: string;
  tier: Tier;
  minReplicas: number;
  /** What the workload's own decision asks for. */
  requestedReplicas: number;
}

export interface AllocationLimits {
  /** Replica quota per tenant; a tenant without an entry is unlimited. */
  tenantQuotas: Readonly<Record<string, number>>;
  /** Replicas across all tenants. */
  globalMaxReplicas?: number;
  /** Replicas the cluster can schedule now. */
  clusterCapacity?: number;
}

export type AllocationReasonCode =
  | 'Granted'
  | 'MinimumGuaranteed'
  | 'TenantQuotaLimited'
  | 'GlobalMaxLimited'
  | 'ClusterCapacityLimited';

export interface Allocation {
  workload: string;
  tenant: string;
  tier: Tier;
  requestedReplicas: number;
  grantedReplicas: number;
  reasons: Array<{ code: AllocationReasonCode; message: string }>;
}

export interface AllocationResult {
  allocations: Allocation[];
  /** Granted replicas per tenant. */
  tenantTotals: Record<string, number>;
  totalGranted: number;
}

/** Replicas asked for beyond the guaranteed minimum. */
function need(r: ReplicaRequest): number {
  return Math.max(0, r.requestedReplicas - Math.max(0, r.minReplicas));
}

export function allocateTenantReplicas(
  requests: readonly ReplicaRequest[],
  limits: AllocationLimits,
): AllocationResult {
  const sorted = [...requests].sort((a, b) =>
    a.workload < b.workload ? -1 : 1,
  );
  const granted = new Map<string, number>();
  const tenantUsed = new Map<string, number>();
  let used = 0;
  for (const request of sorted) {
    const minimum = Math.max(0, request.minReplicas);
    granted.set(request.workload, minimum);
    tenantUsed.set(
      request.tenant,
      (tenantUsed.get(request.tenant) ?? 0) + minimum,
    );
    used += minimum;
  }

  const globalCap = Math.min(
    limits.globalMaxReplicas ?? Infinity,
    limits.clusterCapacity ?? Infinity,
  );
  const tenantRoom = (tenant: string) =>
    Math.max(
      0,
      (limits.tenantQuotas[tenant] ?? Infinity) - (tenantUsed.get(tenant) ?? 0),
    );

  for (const tier of TIER_PRIORITY) {
    const inTier = sorted.filter(r => r.tier === tier && need(r) > 0);
    if (inTier.length === 0) continue;

    // First each tenant's share of this tier fits its remaining quota.
    const capped = new Map<string, number>();
    const byTenant = groupBy(inTier, r => r.tenant);
    for (const [tenant, members] of byTenant) {
      const shares = proportionalShares(members.map(need), tenantRoom(tenant));
      members.forEach((member, i) => capped.set(member.workload, shares[i]));
    }
    // Then the whole tier fits what is left globally.
    const shares = proportionalShares(
      inTier.map(r => capped.get(r.workload) ?? 0),
      Math.max(0, globalCap - used),
    );
    for (let i = 0; i < inTier.length; i++) {
      const request = inTier[i];
      granted.set(
        request.workload,
        (granted.get(request.workload) ?? 0) + shares[i],
      );
      tenantUsed.set(
        request.tenant,
        (tenantUsed.get(request.tenant) ?? 0) + shares[i],
      );
      used += shares[i];
    }
  }

  const allocations = sorted.map(request =>
    describe(
      request,
      granted.get(request.workload) ?? 0,
      limits,
      tenantUsed,
      used,
    ),
  );
  return {
    allocations,
    tenantTotals: Object.fromEntries(tenantUsed),
    totalGranted: used,
  };
}

/**
 * Integer shares of `budget` proportional to `needs`, never above a need; leftovers go by
 * largest remainder, then largest need, then position.
 */
export function proportionalShares(
  needs: readonly number[],
  budget: number,
): number[] {
  const total = needs.reduce((a, b) => a + b, 0);
  if (total <= budget) return [...needs];
  if (budget <= 0) return needs.map(() => 0);
  const exact = needs.map(n => (n * budget) / total);
  const shares = exact.map(Math.floor);
  let left = budget - shares.reduce((a, b) => a + b, 0);
  const order = needs
    .map((_, i) => i)
    .sort(
      (a, b) =>
        exact[b] - shares[b] - (exact[a] - shares[a]) ||
        needs[b] - needs[a] ||
        a - b,
    );
  for (const i of order) {
    if (left <= 0) break;
    if (shares[i] < needs[i]) {
      shares[i]++;
      left--;
    }
  }
  return shares;
}

function describe(
  request: ReplicaRequest,
  grantedReplicas: number,
  limits: AllocationLimits,
  tenantUsed: Map<string, number>,
  used: number,
): Allocation {
  const reasons: Allocation['reasons'] = [];
  const quota = limits.tenantQuotas[request.tenant];
  const tenantTotal = tenantUsed.get(request.tenant) ?? 0;
  const minimum = Math.max(0, request.minReplicas);
  if (grantedReplicas >= request.requestedReplicas) {
    reasons.push({
      code: 'Granted',
      message: `granted the ${request.requestedReplicas} replicas asked for`,
    });
  } else {
    const short = `granted ${grantedReplicas} of ${request.requestedReplicas} replicas`;
    if (quota !== undefined && tenantTotal >= quota) {
      reasons.push({
        code: 'TenantQuotaLimited',
        message: `${short}: tenant ${request.tenant} is at its quota of ${quota} replicas`,
      });
    }
    if (
      limits.globalMaxReplicas !== undefined &&
      used >= limits.globalMaxReplicas
    ) {
      reasons.push({
        code: 'GlobalMaxLimited',
        message: `${short}: the global maximum of ${limits.globalMaxReplicas} replicas is reached; ${request.tier} tier served after higher tiers, then by need`,
      });
    }
    if (
      limits.clusterCapacity !== undefined &&
      used >= limits.clusterCapacity
    ) {
      reasons.push({
        code: 'ClusterCapacityLimited',
        message: `${short}: the cluster's capacity of ${limits.clusterCapacity} replicas is reached; ${request.tier} tier served after higher tiers, then by need`,
      });
    }
  }
  if (
    grantedReplicas === minimum &&
    minimum > 0 &&
    quota !== undefined &&
    tenantTotal > quota
  ) {
    reasons.push({
      code: 'MinimumGuaranteed',
      message: `kept at its minimum of ${minimum} replicas although tenant ${request.tenant} is over its quota of ${quota}`,
    });
  }
  return {
    workload: request.workload,
    tenant: request.tenant,
    tier: request.tier,
    requestedReplicas: request.requestedReplicas,
    grantedReplicas,
    reasons,
  };
}

function groupBy<T>(
  items: readonly T[],
  key: (item: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
