import {
  emptyVerticalState,
  observeCpu,
  observeMemory,
  recommendVertical,
} from '@internal/plugin-autoscaling-engine';
import { ACME, checkout, db, GIB, ledger, NOW, service } from './testFixtures';
import { toCsv } from './CostService';
import type { RightSizingPolicy } from './verticalRecommendations';

describe('CostService.workloadCost', () => {
  it('reports the month so far, the projection and each saving, computed by hand', () => {
    const cost = service().workloadCost(checkout());
    expect(cost).toMatchObject({
      workloadId: 'a/acme-prod/Deployment/checkout',
      currency: 'EUR',
    });
    expect(cost.hourly).toBeCloseTo(0.1, 10);
    expect(cost.monthToDate).toBe(50);
    // 50 + 504 h × 0.10 = 100.4; band ±15%: 50 + 50.4 × 0.85 = 92.84, 50 + 50.4 × 1.15 = 107.96.
    expect(cost.projectedMonth.value).toBeCloseTo(100.4, 6);
    expect(cost.projectedMonth.lower).toBeCloseTo(92.84, 6);
    expect(cost.projectedMonth.upper).toBeCloseTo(107.96, 6);
    // Predictive: static peak 6 × 240 h − 720 = 720 replica-hours over 240 h = 3 replicas,
    // × 730 h × (0.10 / 4 per replica-hour) = 54.75.
    const predictive = cost.savings.find(s => s.kind === 'predictive')!;
    expect(predictive.monthly).toBeCloseTo(54.75, 6);
    expect(predictive.description).toMatch(
      /3\.0 replicas on average .* static 6/,
    );
    // Spot: 2 cores × (0.04 − 0.012) + 4 GiB × (0.005 − 0.0015) = 0.07/h × 730 = 51.1.
    expect(cost.spot).toMatchObject({ suitable: true });
    expect(cost.spot!.monthlySavings).toBeCloseTo(51.1, 6);
    expect(cost.savings.find(s => s.kind === 'spot')!.monthly).toBeCloseTo(
      51.1,
      6,
    );
    expect(cost.savings.some(s => s.kind === 'vertical')).toBe(false);
  });

  it('gives spot advice but no spot saving for a StatefulSet', () => {
    const cost = service().workloadCost(db());
    expect(cost.spot!.suitable).toBe(false);
    expect(cost.spot!.checklist[0]).toEqual({
      item: expect.stringMatching(/StatefulSet/),
      ok: false,
    });
    expect(cost.savings.map(s => s.kind)).toEqual(['predictive']);
    expect(cost.savings[0].monthly).toBe(0);
  });

  it('projects from the demand forecast when there is one', () => {
    const w = checkout();
    // Demand 1 core now; forecast 2 → 8 replicas (0.20/h), lower 1 → 4 (0.10/h),
    // upper 3 → 12, clamped to max 10 (0.25/h). A point in the past is ignored.
    w.state.lastForecast = {
      points: [
        {
          at: new Date(NOW - 3600_000).toISOString(),
          forecast: 100,
          lower: 100,
          upper: 100,
        },
        {
          at: new Date(NOW + 3600_000).toISOString(),
          forecast: 2,
          lower: 1,
          upper: 3,
        },
      ],
    };
    const cost = service().workloadCost(w);
    expect(cost.projectedMonth.value).toBeCloseTo(50 + 504 * 0.2, 6);
    expect(cost.projectedMonth.lower).toBeCloseTo(50 + 504 * 0.1, 6);
    expect(cost.projectedMonth.upper).toBeCloseTo(50 + 504 * 0.25, 6);
  });

  it('starts a stale accumulator at zero for the new month and handles a workload without one', () => {
    const cost = service().workloadCost(ledger());
    expect(cost.monthToDate).toBe(0);
    // Cluster b has no catalog entry: OpenCost's default $0.031611 per core-hour.
    expect(cost.hourly).toBeCloseTo(0.031611, 10);
    expect(cost.projectedMonth.value).toBeCloseTo(504 * 0.031611, 6);
    const empty = service().workloadCost({ ...ledger(), state: {} });
    expect(empty).toMatchObject({
      hourly: 0,
      monthToDate: 0,
      savings: [],
      spot: null,
    });
  });

  it('prices right-sizing to the vertical recommendation once it has an hour of history', () => {
    let vertical = emptyVerticalState();
    for (let minute = 0; minute <= 120; minute++) {
      const t = NOW - (120 - minute) * 60_000;
      vertical = observeCpu(vertical, 0.2, t);
      vertical = observeMemory(vertical, 0.5 * GIB, t);
    }
    const w = checkout();
    w.state.vertical = vertical;
    const rec = recommendVertical(vertical);
    const cost = service().workloadCost(w);
    const saving = cost.savings.find(s => s.kind === 'vertical')!;
    // (0.5 − target) cores × 4 × 730 × 0.04 + (1 GiB − target)/GiB × 4 × 730 × 0.005.
    const expected =
      (0.5 - rec.cpu!.target) * 4 * 730 * 0.04 +
      ((GIB - rec.memory!.target) / GIB) * 4 * 730 * 0.005;
    expect(rec.cpu!.target).toBeLessThan(0.5);
    expect(saving.monthly).toBeCloseTo(expected, 4);
    expect(saving.description).toMatch(
      /CPU 0.500 → .* cores, checkout memory 1.00 → .* GiB\) on 4 replicas, from 2.0 h/,
    );

    const young = checkout();
    young.state.vertical = observeCpu(emptyVerticalState(), 0.2, NOW);
    expect(
      service()
        .workloadCost(young)
        .savings.some(s => s.kind === 'vertical'),
    ).toBe(false);
  });
});

describe('CostService.verticalRecommendations', () => {
  it('prices each container within the policy: minAllowed, maxAllowed, controlledResources', () => {
    let vertical = emptyVerticalState();
    for (let minute = 0; minute <= 120; minute++) {
      const t = NOW - (120 - minute) * 60_000;
      vertical = observeCpu(vertical, 0.2, t);
      vertical = observeMemory(vertical, 0.5 * GIB, t);
    }
    const w = checkout();
    w.state.containers = {
      app: {
        vertical,
        requests: { cpu: 0.5, memory: GIB },
        limits: { memory: GIB },
        oomKills: 0,
      },
    };
    const rightSizing: RightSizingPolicy = {
      vertical: {
        mode: 'Off',
        minAllowed: { cpu: 0.45 },
        maxAllowed: {},
        controlledResources: ['cpu'],
      },
      minReplicas: 1,
      maxReplicas: 10,
      utilization: [],
    };
    w.state.rightSizing = rightSizing;
    const priced = service().verticalRecommendations(w)!;
    // Memory is not controlled; CPU stops at minAllowed 0.45 (the recommender says ~0.25).
    expect(
      priced.rows.map(r => [r.container, r.resource, r.current, r.target]),
    ).toEqual([['app', 'cpu', 0.5, 0.45]]);
    expect(priced.rows[0].currentLimit).toBeNull();
    // 0.05 cores × 4 replicas × 730 h × 0.04 = 5.84, the price the cost card uses.
    expect(priced.rows[0].monthlySavings).toBeCloseTo(5.84, 6);
    expect(priced.total).toBeCloseTo(5.84, 6);
    const card = service()
      .workloadCost(w)
      .savings.find(s => s.kind === 'vertical')!;
    expect(card.monthly).toBeCloseTo(5.84, 6);
    expect(card.description).toMatch(
      /app CPU 0.500 → 0.450 cores\) on 4 replicas/,
    );

    rightSizing.vertical = {
      mode: 'Off',
      minAllowed: {},
      maxAllowed: { memory: 0.75 * GIB },
      controlledResources: ['cpu', 'memory'],
    };
    const rows = service().verticalRecommendations(w)!.rows;
    expect(rows.find(r => r.resource === 'memory')!.target).toBeLessThanOrEqual(
      0.75 * GIB,
    );
  });
});

describe('CostService tenants, clusters and the tick', () => {
  it('sums a tenant and compares it with its budget', () => {
    const summary = service().tenantSummary(ACME, [checkout(), db(), ledger()]);
    expect(summary).toMatchObject({
      tenant: 'acme',
      tier: 'premium',
      totalReplicas: 6,
      monthlyBudget: 150,
    });
    expect(summary.cost.hourly).toBeCloseTo(0.2, 10);
    expect(summary.cost.monthToDate).toBe(80);
    // 100.4 + 80.4 = 180.8 against 150: 120.5% → emergency.
    expect(summary.cost.projectedMonth.value).toBeCloseTo(180.8, 6);
    expect(summary.cost.projectedMonth.lower).toBeCloseTo(92.84 + 72.84, 6);
    expect(summary.budgetStatus).toBe('emergency');
    expect(summary.cost.savings).toEqual([
      { kind: 'predictive', monthly: 54.75, description: '2 of 2 workloads' },
      { kind: 'spot', monthly: 51.1, description: '1 of 2 workloads' },
    ]);
    expect(summary.workloads.map(w => [w.id, w.hourlyCost])).toEqual([
      ['a/acme-prod/Deployment/checkout', 0.1],
      ['a/acme-prod/StatefulSet/db', 0.1],
    ]);
    expect(
      service().tenantSummary({ ...ACME, monthlyBudget: 200 }, [
        checkout(),
        db(),
      ]).budgetStatus,
    ).toBe('warning');
    expect(
      service().tenantSummary({ ...ACME, monthlyBudget: null }, [checkout()])
        .budgetStatus,
    ).toBe('ok');
  });

  it('caps the tenant in emergency by tier for the workloads being decided', () => {
    const tenants = new Map([['acme', ACME]]);
    const caps = service().budgetCaps(
      tenants,
      [checkout(), db()],
      [
        {
          workload: 'a/acme-prod/Deployment/checkout',
          tenant: 'acme',
          tier: 'premium',
          currentReplicas: 4,
          minReplicas: 2,
        },
      ],
    );
    expect(caps).toHaveLength(1);
    expect(caps[0]).toMatchObject({
      maxReplicas: 5,
      reason: { code: 'BudgetEmergency' },
    });
    expect(caps[0].reason.message).toMatch(/€181 .* €150 \(121%\)/);
  });

  it('computes a cluster idle cost from its configured capacity', () => {
    // Capacity 8 × 0.04 + 32 × 0.005 = 0.48/h; allocated CPU 0.08 + 0.08, memory 0.02 + 0.02.
    // Idle CPU 0.32 − 0.16 = 0.16, memory 0.16 − 0.04 = 0.12: 0.28/h, 58.33%.
    const cluster = service().clusterCost('a', [checkout(), db(), ledger()]);
    expect(cluster.hourly.allocated).toBeCloseTo(0.2, 10);
    expect(cluster.hourly.capacity).toBeCloseTo(0.48, 10);
    expect(cluster.hourly.idle).toBeCloseTo(0.28, 10);
    expect(cluster.idleFraction).toBeCloseTo(0.5833, 4);
    expect(service().clusterCost('b', [ledger()]).hourly.idle).toBeNull();
  });

  it('accumulates a tick at the cluster prices, spot for a spot cluster', () => {
    const sample = {
      nowMs: NOW,
      replicas: 2,
      cpuRequestCores: 1,
      memoryRequestBytes: GIB,
    };
    expect(service().accumulate('a', undefined, sample).hourly).toBeCloseTo(
      0.09,
      10,
    );
    expect(
      service().accumulate('spotty', undefined, sample).hourly,
    ).toBeCloseTo(0.027, 10);
    const prior = service().accumulate('a', undefined, sample);
    const next = service().accumulate('a', prior, {
      ...sample,
      nowMs: NOW + 6 * 60_000,
    });
    expect(next.monthToDate).toBeCloseTo(0.009, 10); // 6 min at 0.09/h
    expect(service().accumulate('a', { junk: true }, sample).monthToDate).toBe(
      0,
    );
  });
});

describe('CSV export', () => {
  it('writes one row per workload with a header, quoting and formula guards', () => {
    const rows = service().exportRows([checkout(), db()]);
    const csv = toCsv([
      ...rows,
      { ...rows[0], name: '=HYPERLINK("x")', namespace: 'a,b' },
    ]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'month,workload_id,entity_ref,tenant,environment,cluster,namespace,kind,name,replicas,hourly_cost,month_to_date,cpu_cost_mtd,memory_cost_mtd,gpu_cost_mtd,projected_month,projected_lower,projected_upper,currency',
    );
    expect(lines[1]).toBe(
      '2026-01,a/acme-prod/Deployment/checkout,component:default/checkout,acme,production,a,acme-prod,Deployment,checkout,4,0.1,50,40,10,0,100.4,92.84,107.96,EUR',
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(`"a,b",Deployment,"'=HYPERLINK(""x"")"`);
  });
});

describe('CostService.replicaHourly (the one cost model of guardrails and backtests)', () => {
  it("prices one replica as the cost card does: the card's hourly is replicas × it", () => {
    const cost = service();
    const w = checkout();
    // 0.5 core × 0.04 + 1 GiB × 0.005 = 0.025 a replica-hour; 4 replicas = the card's 0.10/h.
    expect(cost.replicaHourly(w)).toBeCloseTo(0.025, 10);
    expect(cost.replicaHourly(w)! * 4).toBeCloseTo(
      cost.workloadCost(w).hourly,
      10,
    );
    // db: 1 core, 2 GiB = 0.05 a replica-hour; 2 replicas = its 0.10/h.
    expect(cost.replicaHourly(db())! * 2).toBeCloseTo(
      cost.workloadCost(db()).hourly,
      10,
    );
  });

  it("prices replicas and usage as the month accumulator does: at the last sample it is the card's hourly", () => {
    const cost = service();
    const w = checkout();
    // The last sample: 4 replicas using 1 core and 2 GiB, i.e. 0.5 GiB a replica.
    expect(cost.memoryPerReplica(w)).toBe(GIB / 2);
    expect(
      cost.hourlyAt(w, 4, {
        cpuCores: 1,
        memoryBytes: cost.memoryPerReplica(w)! * 4,
      }),
    ).toBeCloseTo(cost.workloadCost(w).hourly, 10);
    // Usage above the requests is charged: 6 cores and 12 GiB on 4 × (0.5 core, 1 GiB).
    expect(
      cost.hourlyAt(w, 4, { cpuCores: 6, memoryBytes: 12 * GIB }),
    ).toBeCloseTo(6 * 0.04 + 12 * 0.005, 10);
  });

  it('prices from the pod requests before the first cost sample, at spot prices on a spot cluster', () => {
    const w = checkout();
    const fresh = {
      ...w,
      cluster: 'spotty',
      state: { podCpuRequest: 0.5, podMemoryRequest: GIB },
    };
    // 0.5 × 0.012 + 1 × 0.0015 = 0.0075.
    expect(service().replicaHourly(fresh)).toBeCloseTo(0.0075, 10);
    expect(service().replicaHourly({ ...w, state: {} })).toBeNull();
  });
});
