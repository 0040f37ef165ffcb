import {
  allocateTenantReplicas,
  proportionalShares,
  type ReplicaRequest,
} from './allocateTenantReplicas';

const req = (
  workload: string,
  tenant: string,
  tier: ReplicaRequest['tier'],
  min: number,
  requested: number,
): ReplicaRequest => ({
  workload,
  tenant,
  tier,
  minReplicas: min,
  requestedReplicas: requested,
});

const granted = (result: ReturnType<typeof allocateTenantReplicas>) =>
  Object.fromEntries(
    result.allocations.map(a => [a.workload, a.grantedReplicas]),
  );

describe('allocateTenantReplicas', () => {
  it('grants everything when it fits', () => {
    const result = allocateTenantReplicas(
      [req('a', 't1', 'basic', 1, 5), req('b', 't2', 'premium', 2, 8)],
      { tenantQuotas: { t1: 10, t2: 10 }, globalMaxReplicas: 100 },
    );
    expect(granted(result)).toEqual({ a: 5, b: 8 });
    expect(result.allocations.every(a => a.reasons[0].code === 'Granted')).toBe(
      true,
    );
  });

  it('serves enterprise before premium before basic when capacity is short', () => {
    const result = allocateTenantReplicas(
      [
        req('basic', 'b', 'basic', 1, 10),
        req('prem', 'p', 'premium', 1, 10),
        req('ent', 'e', 'enterprise', 1, 10),
      ],
      { tenantQuotas: {}, clusterCapacity: 18 },
    );
    // Minimums first (3), then enterprise +9, premium +6, basic nothing more.
    expect(granted(result)).toEqual({ ent: 10, prem: 7, basic: 1 });
    const basic = result.allocations.find(a => a.workload === 'basic')!;
    expect(basic.reasons.map(r => r.code)).toContain('ClusterCapacityLimited');
    expect(basic.reasons[0].message).toMatch(
      /basic tier served after higher tiers/,
    );
  });

  it('shares a tenant quota in proportion to need', () => {
    const result = allocateTenantReplicas(
      [req('small', 't', 'premium', 1, 4), req('big', 't', 'premium', 1, 10)],
      { tenantQuotas: { t: 8 } },
    );
    // 2 for minimums, 6 left for needs 3 and 9 → 1.5 and 4.5 → 1 and 5 (equal remainders: larger need first).
    expect(result.tenantTotals.t).toBe(8);
    expect(granted(result)).toEqual({ small: 2, big: 6 });
    expect(result.allocations[0].reasons.map(r => r.code)).toContain(
      'TenantQuotaLimited',
    );
  });

  it('never goes below a minimum, even over quota, and says so', () => {
    const result = allocateTenantReplicas(
      [req('a', 't', 'basic', 4, 6), req('b', 't', 'basic', 4, 6)],
      { tenantQuotas: { t: 5 } },
    );
    expect(granted(result)).toEqual({ a: 4, b: 4 });
    expect(result.allocations[0].reasons.map(r => r.code)).toContain(
      'MinimumGuaranteed',
    );
  });

  it('applies the global maximum across tenants', () => {
    const result = allocateTenantReplicas(
      [
        req('a', 't1', 'enterprise', 0, 30),
        req('b', 't2', 'enterprise', 0, 30),
      ],
      { tenantQuotas: {}, globalMaxReplicas: 40 },
    );
    expect(result.totalGranted).toBe(40);
    expect(granted(result)).toEqual({ a: 20, b: 20 });
    expect(result.allocations[0].reasons.map(r => r.code)).toContain(
      'GlobalMaxLimited',
    );
  });
});

describe('proportionalShares', () => {
  it('hands out exactly the budget, never above a need', () => {
    expect(proportionalShares([3, 9], 6)).toEqual([1, 5]);
    expect(proportionalShares([1, 1, 1], 2).reduce((a, b) => a + b)).toBe(2);
    expect(proportionalShares([5, 0], 3)).toEqual([3, 0]);
    expect(proportionalShares([2, 2], 10)).toEqual([2, 2]);
  });
});
