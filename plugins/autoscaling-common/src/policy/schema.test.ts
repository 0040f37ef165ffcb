import { checkPolicy, formatPolicyPath, policyIssuesFromZod } from './checks';
import { POLICY_PRESETS } from './presets';
import { parseQuantity } from './quantity';
import { policyOverrideSchema, scalingPolicySchema } from './schema';

const issuesOf = (input: unknown) => {
  const result = scalingPolicySchema.safeParse(input);
  if (result.success) return [];
  return policyIssuesFromZod(result.error).map(
    i => `${formatPolicyPath(i.path)}: ${i.message}`,
  );
};

describe('scalingPolicySchema', () => {
  it('fills the HPA defaults', () => {
    const policy = scalingPolicySchema.parse({ maxReplicas: 10 });
    expect(policy).toMatchObject({
      minReplicas: 1,
      evaluationIntervalSeconds: 15,
      mode: 'auto',
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      ],
      predictive: { enabled: false, leadTimeSeconds: 300 },
      vertical: { mode: 'Off', controlledResources: ['cpu', 'memory'] },
      schedules: [],
    });
    expect(policy.behavior).toBeUndefined();
  });

  it('accepts every section a user of HPA, KEDA and predictive scaling writes', () => {
    const result = scalingPolicySchema.safeParse({
      preset: 'balanced',
      minReplicas: 2,
      maxReplicas: 30,
      queries: {
        'queue-length': { source: 'prometheus', query: 'sum(queue_depth)' },
      },
      metrics: [
        {
          type: 'Resource',
          resource: 'memory',
          target: { type: 'AverageValue', averageValue: '512Mi' },
        },
        {
          type: 'Pods',
          name: 'p99',
          signal: 'latency-percentile',
          query: { source: 'prometheus', query: 'histogram_quantile(0.99, x)' },
          target: { type: 'AverageValue', averageValue: 0.3 },
        },
        {
          type: 'External',
          name: 'queue',
          signal: 'queue-length',
          query: { ref: 'queue-length' },
          target: { type: 'Value', value: 100 },
        },
        {
          type: 'Object',
          name: 'errors',
          signal: 'error-rate',
          query: { source: 'prometheus', query: 'x' },
          target: { type: 'Value', value: 0.05 },
        },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          tolerance: '0.05',
          policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
        },
        scaleDown: {
          selectPolicy: 'Min',
          policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
        },
      },
      cooldownSeconds: 120,
      mode: 'dry-run',
      predictive: {
        enabled: true,
        leadTimeSeconds: 600,
        minHistorySeconds: 3 * 86400,
      },
      schedules: [
        {
          name: 'black-friday',
          cron: '0 6 27 11 *',
          timezone: 'America/New_York',
          durationMinutes: 1440,
          minReplicas: 20,
        },
        {
          name: 'nights',
          cron: '0 22 * * *',
          end: '0 6 * * *',
          maxReplicas: 5,
        },
      ],
      fallback: { failureThreshold: 3, replicas: 6 },
      vertical: {
        mode: 'Initial',
        minAllowed: { cpu: '100m', memory: '128Mi' },
        maxAllowed: { cpu: 4, memory: '8Gi' },
        controlledResources: ['memory'],
      },
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.metrics[0]).toMatchObject({
      target: { averageValue: 512 * 2 ** 20 },
    });
    expect(result.data.behavior?.scaleUp?.tolerance).toBe(0.05);
    expect(result.data.vertical.minAllowed.cpu).toBeCloseTo(0.1);
  });

  it.each([
    [{ maxReplicas: 0 }, 'maxReplicas'],
    [{ maxReplicas: 5, minReplicas: -1 }, 'minReplicas'],
    [{ maxReplicas: 5, mode: 'sometimes' }, 'mode'],
    [
      {
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: 'gpu',
            target: { type: 'Utilization', averageUtilization: 50 },
          },
        ],
      },
      'metrics[0].resource',
    ],
    [
      {
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 0 },
          },
        ],
      },
      'metrics[0].target.averageUtilization',
    ],
    [
      {
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: 'memory',
            target: { type: 'AverageValue', averageValue: '12 apples' },
          },
        ],
      },
      'metrics[0].target.averageValue',
    ],
    [
      {
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds: 4000 } },
      },
      'behavior.scaleDown.stabilizationWindowSeconds',
    ],
    [
      {
        maxReplicas: 5,
        behavior: {
          scaleUp: {
            policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }],
          },
        },
      },
      'behavior.scaleUp.policies[0].periodSeconds',
    ],
    [
      { maxReplicas: 5, behavior: { scaleUp: { selectPolicy: 'Sometimes' } } },
      'behavior.scaleUp.selectPolicy',
    ],
    [
      {
        maxReplicas: 5,
        schedules: [
          {
            name: 'x',
            cron: '0 9 * * *',
            timezone: 'Mars/Olympus',
            durationMinutes: 5,
            minReplicas: 2,
          },
        ],
      },
      'schedules[0].timezone',
    ],
    [
      {
        maxReplicas: 5,
        schedules: [{ name: 'x', cron: '0 9 * * *', minReplicas: 2 }],
      },
      'schedules[0].durationMinutes',
    ],
    [
      {
        maxReplicas: 5,
        schedules: [
          { name: 'x', cron: 'every day', durationMinutes: 5, minReplicas: 2 },
        ],
      },
      'schedules[0].cron',
    ],
    [
      { maxReplicas: 5, fallback: { failureThreshold: 0, replicas: 2 } },
      'fallback.failureThreshold',
    ],
    [{ maxReplicas: 5, vertical: { mode: 'Recreate' } }, 'vertical.mode'],
    [
      { maxReplicas: 5, predictive: { leadTimeSeconds: -5 } },
      'predictive.leadTimeSeconds',
    ],
    [{ maxReplicas: 5, maxReplica: 6 }, '(root)'],
  ])('rejects %j naming %s', (input, path) => {
    const issues = issuesOf(input);
    expect(issues.length).toBeGreaterThan(0);
    expect(
      issues.some(i => i.startsWith(path === '(root)' ? ': ' : `${path}: `)),
    ).toBe(true);
  });
});

describe('policyOverrideSchema', () => {
  it('accepts partial nested objects without filling defaults', () => {
    const override = policyOverrideSchema.parse({
      predictive: { leadTimeSeconds: 900 },
      vertical: { mode: 'Auto' },
    });
    expect(override).toEqual({
      predictive: { leadTimeSeconds: 900 },
      vertical: { mode: 'Auto' },
    });
  });

  it('still validates the fields it has', () => {
    const result = policyOverrideSchema.safeParse({
      predictive: { quantile: 2 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['predictive', 'quantile']);
  });
});

describe('checkPolicy', () => {
  const base = scalingPolicySchema.parse({ minReplicas: 2, maxReplicas: 10 });

  it('flags min above max', () => {
    expect(checkPolicy({ ...base, minReplicas: 11 })).toContainEqual(
      expect.objectContaining({ path: ['minReplicas'] }),
    );
  });

  it('flags schedules outside the policy bounds', () => {
    const policy = scalingPolicySchema.parse({
      maxReplicas: 10,
      schedules: [
        {
          name: 'big',
          cron: '0 9 * * *',
          durationMinutes: 60,
          minReplicas: 12,
        },
        {
          name: 'inverted',
          cron: '0 9 * * *',
          durationMinutes: 60,
          minReplicas: 8,
          maxReplicas: 6,
        },
      ],
    });
    const paths = checkPolicy(policy).map(i => formatPolicyPath(i.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        'schedules[0].minReplicas',
        'schedules[1].minReplicas',
      ]),
    );
  });

  it('flags unknown sources and named queries only when it knows the sources', () => {
    const policy = scalingPolicySchema.parse({
      maxReplicas: 10,
      metrics: [
        {
          type: 'External',
          name: 'a',
          query: { source: 'datadog', query: 'x' },
          target: { type: 'Value', value: 1 },
        },
        {
          type: 'External',
          name: 'b',
          query: { ref: 'missing' },
          target: { type: 'Value', value: 1 },
        },
      ],
    });
    expect(checkPolicy(policy).map(i => formatPolicyPath(i.path))).toEqual([
      'metrics[1].query.ref',
    ]);
    expect(
      checkPolicy(policy, { knownSources: ['prometheus'] }).map(i =>
        formatPolicyPath(i.path),
      ),
    ).toEqual(['metrics[0].query.source', 'metrics[1].query.ref']);
  });

  it('requires an Object or External metric for minReplicas 0, and fallback within bounds', () => {
    const paths = checkPolicy({
      ...base,
      minReplicas: 0,
      fallback: { failureThreshold: 3, replicas: 20 },
    }).map(i => formatPolicyPath(i.path));
    expect(paths).toEqual(['minReplicas', 'fallback.replicas']);
  });

  it('presets validate as behaviors', () => {
    for (const preset of Object.values(POLICY_PRESETS)) {
      expect(
        scalingPolicySchema.safeParse({
          maxReplicas: 5,
          behavior: preset.behavior,
        }).success,
      ).toBe(true);
    }
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['256Mi', 256 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
  ])('%s = %d', (text, value) =>
    expect(parseQuantity(text)).toBeCloseTo(value),
  );
  it('rejects non-quantities', () => {
    expect(parseQuantity('12 apples')).toBeUndefined();
    expect(parseQuantity('5Xi')).toBeUndefined();
  });
});
