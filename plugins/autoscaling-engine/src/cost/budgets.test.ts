import { decideHorizontal } from '../horizontal/decideHorizontal';
import {
  FREE_BEHAVIOR,
  NOW,
  cpuMetric,
  perPod,
  policy,
  readyPods,
} from '../testing/builders';
import {
  budgetCaps,
  budgetLimit,
  budgetStatus,
  tenantBudget,
  tighterLimit,
  type BudgetCapWorkload,
} from './budgets';

describe('budgetStatus', () => {
  it('warns at 80% and declares an emergency at 100% of the budget', () => {
    expect(budgetStatus(790, 1000)).toBe('ok');
    expect(budgetStatus(800, 1000)).toBe('warning');
    expect(budgetStatus(999.99, 1000)).toBe('warning');
    expect(budgetStatus(1000, 1000)).toBe('emergency');
    expect(budgetStatus(5000, null)).toBe('ok');
    expect(budgetStatus(5000, 0)).toBe('ok');
    expect(budgetStatus(700, 1000, { warning: 0.6, emergency: 0.7 })).toBe(
      'emergency',
    );
  });
});

describe('budgetCaps', () => {
  const workloads: BudgetCapWorkload[] = [
    {
      workload: 'e',
      tenant: 'big',
      tier: 'enterprise',
      currentReplicas: 4,
      minReplicas: 2,
    },
    {
      workload: 'p10',
      tenant: 'mid',
      tier: 'premium',
      currentReplicas: 10,
      minReplicas: 2,
    },
    {
      workload: 'p30',
      tenant: 'mid',
      tier: 'premium',
      currentReplicas: 30,
      minReplicas: 2,
    },
    {
      workload: 'b4',
      tenant: 'small',
      tier: 'basic',
      currentReplicas: 4,
      minReplicas: 2,
    },
    {
      workload: 'b1',
      tenant: 'small',
      tier: 'basic',
      currentReplicas: 1,
      minReplicas: 3,
    },
    {
      workload: 'calm',
      tenant: 'fine',
      tier: 'basic',
      currentReplicas: 4,
      minReplicas: 1,
    },
  ];
  const tenants = {
    big: tenantBudget(1200, 1000),
    mid: tenantBudget(1100, 1000),
    small: tenantBudget(1500, 1000),
    fine: tenantBudget(500, 1000),
  };

  it('caps the lowest tiers first, never below a minimum, and explains each cap', () => {
    const caps = budgetCaps(workloads, tenants);
    expect(caps.map(c => [c.workload, c.maxReplicas])).toEqual([
      ['b1', 3], // basic: current 1 but min 3
      ['b4', 4], // basic: no scale-up
      ['p10', 11], // premium: +max(1, 10% of 10)
      ['p30', 33], // premium: +max(1, 10% of 30)
      ['e', null], // enterprise: not capped
    ]);
    for (const cap of caps) expect(cap.reason.code).toBe('BudgetEmergency');
    const byId = Object.fromEntries(
      caps.map(c => [c.workload, c.reason.message]),
    );
    expect(byId.b4).toMatch(
      /tenant 'small' is projected to spend \$1,500 .* \$1,000 \(150%\)/,
    );
    expect(byId.b4).toMatch(/basic tier: no scale-up above 4 replicas/);
    expect(byId.e).toMatch(/enterprise tier: not capped, still scaling/);
    expect(caps.some(c => c.tenant === 'fine')).toBe(false);
  });

  it('lets the premium step be configured', () => {
    const [cap] = budgetCaps([workloads[2]], tenants, {
      premiumMaxIncreaseFraction: 0.2,
      premiumMinIncreaseReplicas: 2,
    });
    expect(cap.maxReplicas).toBe(36);
  });

  it('turns caps into outer limits and keeps the tighter of two', () => {
    const caps = budgetCaps(workloads, tenants);
    expect(budgetLimit(caps.find(c => c.workload === 'e'))).toBeUndefined();
    const basic = budgetLimit(caps.find(c => c.workload === 'b4'))!;
    expect(basic).toMatchObject({ maxReplicas: 4, code: 'BudgetEmergency' });
    const quota = {
      maxReplicas: 3,
      code: 'TenantQuotaLimited',
      message: 'quota',
    };
    expect(tighterLimit(basic, quota)).toBe(quota);
    expect(tighterLimit(undefined, basic)).toBe(basic);
  });
});

describe('emergency ceiling in the horizontal decision', () => {
  // Both services run 4 pods at 100% CPU against a 50% target: each asks for 8 replicas.
  const pods = readyPods(4);
  const decide = (limit?: ReturnType<typeof budgetLimit>) =>
    decideHorizontal({
      policy: policy({
        minReplicas: 2,
        maxReplicas: 20,
        metrics: [cpuMetric(50)],
        behavior: FREE_BEHAVIOR,
      }),
      workload: { currentReplicas: 4, pods },
      samples: { cpu: perPod(pods, 1.0) },
      nowMs: NOW,
      limit,
    });

  it("holds a basic-tier service's scale-up while an enterprise service still scales", () => {
    const caps = budgetCaps(
      [
        {
          workload: 'thrift/web',
          tenant: 'thrift',
          tier: 'basic',
          currentReplicas: 4,
          minReplicas: 2,
        },
        {
          workload: 'acme/checkout',
          tenant: 'acme',
          tier: 'enterprise',
          currentReplicas: 4,
          minReplicas: 2,
        },
      ],
      { thrift: tenantBudget(260, 200), acme: tenantBudget(12_000, 10_000) },
    );
    const basicCap = caps.find(c => c.tier === 'basic')!;
    const enterpriseCap = caps.find(c => c.tier === 'enterprise')!;

    const basic = decide(budgetLimit(basicCap));
    expect(basic.decision.kind).toBe('blocked');
    expect(basic.desiredReplicas).toBe(4);
    expect(basic.decision.reasons).toEqual(
      expect.arrayContaining([
        {
          code: 'LimitApplied',
          message: expect.stringMatching(
            /budget emergency: tenant 'thrift'.*basic tier: no scale-up above 4/,
          ),
        },
      ]),
    );

    const enterprise = decide(budgetLimit(enterpriseCap));
    expect(enterprise.decision).toMatchObject({
      kind: 'scale',
      from: 4,
      to: 8,
    });
    expect(enterpriseCap.reason).toEqual({
      code: 'BudgetEmergency',
      message: expect.stringMatching(
        /tenant 'acme' .*\(120%\); enterprise tier: not capped, still scaling/,
      ),
    });
  });
});
