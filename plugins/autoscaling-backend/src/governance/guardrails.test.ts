import {
  scalingPolicySchema,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { DEFAULT_GOVERNANCE_CONFIG } from './config';
import {
  ceilingMonthlyCost,
  diffOverrides,
  evaluateGuardrails,
  type GuardrailContext,
} from './guardrails';

const policy = (input: Record<string, unknown>): ScalingPolicy =>
  scalingPolicySchema.parse({ maxReplicas: 10, ...input });

const service = (
  environment: string,
  extra: Partial<GuardrailContext> = {},
): GuardrailContext => ({
  level: 'service',
  name: 'component:default/checkout-api',
  environment,
  tenant: { name: 'acme', replicaQuota: 60, monthlyBudget: 9000 },
  config: DEFAULT_GOVERNANCE_CONFIG.guardrails,
  ...extra,
});

const codes = (findings: Array<{ code: string }>) =>
  findings.map(f => f.code).sort();

describe('evaluateGuardrails', () => {
  it('lets a small production change through', () => {
    expect(
      evaluateGuardrails(
        policy({ minReplicas: 2, maxReplicas: 10 }),
        policy({ minReplicas: 3, maxReplicas: 12 }),
        service('production'),
      ),
    ).toEqual([]);
  });

  it('flags maxReplicas raised above the tenant quota, only when raised', () => {
    const ctx = service('staging', {
      tenant: { name: 'initech', replicaQuota: 12, monthlyBudget: null },
    });
    expect(
      codes(
        evaluateGuardrails(
          policy({ maxReplicas: 10 }),
          policy({ maxReplicas: 13 }),
          ctx,
        ),
      ),
    ).toEqual(['ABOVE_TENANT_QUOTA']);
    // Already above the quota and not raised further: no new finding.
    expect(
      evaluateGuardrails(
        policy({ maxReplicas: 14 }),
        policy({ maxReplicas: 14, cooldownSeconds: 30 }),
        ctx,
      ),
    ).toEqual([]);
    expect(
      evaluateGuardrails(
        policy({ maxReplicas: 10 }),
        policy({ maxReplicas: 13 }),
        {
          ...ctx,
          config: { ...ctx.config, tenantQuota: false },
        },
      ),
    ).toEqual([]);
  });

  it('flags production min/max changes beyond the ratio, in either direction', () => {
    const findings = evaluateGuardrails(
      policy({ minReplicas: 4, maxReplicas: 20 }),
      policy({ minReplicas: 1, maxReplicas: 20 }),
      service('production'),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'PRODUCTION_BOUNDS_CHANGE',
        path: 'minReplicas',
      }),
    ]);
    expect(findings[0].message).toContain('75%');
    // The same change in staging needs no approval.
    expect(
      evaluateGuardrails(
        policy({ minReplicas: 4, maxReplicas: 20 }),
        policy({ minReplicas: 1, maxReplicas: 20 }),
        service('staging'),
      ),
    ).toEqual([]);
    // The ratio is configurable.
    expect(
      evaluateGuardrails(
        policy({ minReplicas: 4, maxReplicas: 20 }),
        policy({ minReplicas: 1, maxReplicas: 20 }),
        {
          ...service('production'),
          config: {
            ...DEFAULT_GOVERNANCE_CONFIG.guardrails,
            productionBoundsChangeRatio: 0.8,
          },
        },
      ),
    ).toEqual([]);
  });

  it('flags disabling autoscaling in production and at levels that reach production', () => {
    expect(
      codes(
        evaluateGuardrails(
          policy({}),
          policy({ mode: 'off' }),
          service('production'),
        ),
      ),
    ).toEqual(['PRODUCTION_DISABLED']);
    expect(
      evaluateGuardrails(
        policy({}),
        policy({ mode: 'off' }),
        service('staging'),
      ),
    ).toEqual([]);
    expect(
      evaluateGuardrails(
        policy({ mode: 'off' }),
        policy({ mode: 'off', cooldownSeconds: 5 }),
        service('production'),
      ),
    ).toEqual([]);
    const tenantLevel: GuardrailContext = {
      ...service('x'),
      level: 'tenant',
      name: 'acme',
      environment: undefined,
    };
    expect(
      codes(
        evaluateGuardrails(policy({}), policy({ mode: 'off' }), tenantLevel),
      ),
    ).toEqual(['PRODUCTION_DISABLED']);
    const stagingEnv: GuardrailContext = {
      ...tenantLevel,
      level: 'environment',
      name: 'staging',
    };
    expect(
      evaluateGuardrails(policy({}), policy({ mode: 'off' }), stagingEnv),
    ).toEqual([]);
  });

  it('flags a projected monthly cost increase over the threshold and above the budget', () => {
    // 10 → 40 replicas at 0.05/h: 365 → 1460 per month, +1095 > 500.
    const findings = evaluateGuardrails(
      policy({ maxReplicas: 10 }),
      policy({ maxReplicas: 40 }),
      service('staging'),
    );
    expect(codes(findings)).toEqual(['COST_INCREASE']);
    expect(findings[0].message).toBe(
      'projected monthly cost at the maximum replicas rises by $1,095 (from $365 to $1,460) at the configured estimate of $0.05 per replica-hour, more than the threshold of $500',
    );
    const tight = service('staging', {
      tenant: { name: 'initech', replicaQuota: null, monthlyBudget: 1200 },
    });
    expect(
      codes(
        evaluateGuardrails(
          policy({ maxReplicas: 10 }),
          policy({ maxReplicas: 40 }),
          tight,
        ),
      ),
    ).toEqual(['ABOVE_BUDGET', 'COST_INCREASE']);
    // A custom estimate replaces the ceiling cost.
    expect(
      evaluateGuardrails(
        policy({ maxReplicas: 10 }),
        policy({ maxReplicas: 40 }),
        {
          ...service('staging'),
          estimateMonthlyCost: p => p.minReplicas * 10,
        },
      ),
    ).toEqual([]);
  });

  it('estimates the ceiling cost from maxReplicas', () => {
    expect(ceilingMonthlyCost(policy({ maxReplicas: 4 }), 0.1)).toBeCloseTo(
      292,
    );
    expect(ceilingMonthlyCost(policy({ maxReplicas: 4 }), 0.1, 2)).toBeCloseTo(
      584,
    );
  });

  it("prices the ceiling with the service's own replica price and currency (the cost card's model)", () => {
    // 12 → 40 replicas at €0.0625 a replica-hour on 2 workloads: 1,095 → 3,650 per month.
    const findings = evaluateGuardrails(
      policy({ maxReplicas: 12 }),
      policy({ maxReplicas: 40 }),
      {
        ...service('staging', {
          tenant: { name: 'acme', replicaQuota: null, monthlyBudget: 3000 },
        }),
        pricing: {
          currency: 'EUR',
          replicaHourly: 0.0625,
          workloads: 2,
          source: 'prices',
        },
      },
    );
    expect(findings.map(f => f.message)).toEqual([
      'projected monthly cost at the maximum replicas rises by €2,555 (from €1,095 to €3,650) at €0.0625 per replica-hour, across 2 workloads, more than the threshold of €500',
      "projected monthly cost at the maximum replicas €3,650 at €0.0625 per replica-hour, across 2 workloads is above tenant acme's monthly budget of €3,000",
    ]);
  });
});

describe('diffOverrides', () => {
  it('lists changed leaves with paths, arrays as a whole', () => {
    expect(
      diffOverrides(
        {
          maxReplicas: 10,
          predictive: { enabled: false },
          metrics: [{ type: 'Resource' }],
        },
        {
          maxReplicas: 12,
          predictive: { enabled: false, quantile: 0.9 },
          mode: 'auto',
          metrics: [{ type: 'Resource' }],
        },
      ),
    ).toEqual([
      { path: 'maxReplicas', before: 10, after: 12 },
      { path: 'mode', before: null, after: 'auto' },
      { path: 'predictive.quantile', before: null, after: 0.9 },
    ]);
    expect(diffOverrides({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
