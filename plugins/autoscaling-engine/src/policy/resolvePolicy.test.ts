import { resolvePolicy, sourceOf, type PolicyLayer } from './resolvePolicy';

const layers: PolicyLayer[] = [
  {
    level: 'global',
    policy: {
      minReplicas: 1,
      maxReplicas: 50,
      preset: 'balanced',
      queries: {
        'request-rate': {
          source: 'prometheus',
          query: 'sum(rate(http_requests_total[1m]))',
        },
      },
    },
  },
  {
    level: 'environment',
    name: 'production',
    policy: { minReplicas: 3, mode: 'dry-run' },
  },
  {
    level: 'tier',
    name: 'premium',
    policy: { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
  },
  { level: 'tenant', name: 'acme', policy: { maxReplicas: 40 } },
  {
    level: 'service',
    name: 'checkout',
    policy: {
      mode: 'auto',
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 60 },
        },
        {
          type: 'External',
          name: 'rps',
          signal: 'request-rate',
          query: { ref: 'request-rate' },
          target: { type: 'AverageValue', averageValue: 100 },
        },
      ],
    },
  },
];

describe('resolvePolicy', () => {
  it('lets each level override the one before and records where each field came from', () => {
    const result = resolvePolicy(layers, {
      knownSources: ['prometheus', 'metrics.k8s.io'],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy).toMatchObject({
      minReplicas: 3,
      maxReplicas: 40,
      mode: 'auto',
    });
    expect(result.provenance.minReplicas).toEqual({
      level: 'environment',
      name: 'production',
    });
    expect(result.provenance.maxReplicas).toEqual({
      level: 'tenant',
      name: 'acme',
    });
    expect(result.provenance.mode).toEqual({
      level: 'service',
      name: 'checkout',
    });
    expect(result.provenance.metrics).toEqual({
      level: 'service',
      name: 'checkout',
    });
    expect(result.provenance.evaluationIntervalSeconds).toEqual({
      level: 'default',
    });
  });

  it('expands a preset at its level, under explicit fields of later levels', () => {
    const result = resolvePolicy(layers);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(
      600,
    );
    expect(
      result.provenance['behavior.scaleDown.stabilizationWindowSeconds'],
    ).toEqual({
      level: 'tier',
      name: 'premium',
    });
    expect(result.policy.behavior?.scaleUp?.policies).toHaveLength(2);
    expect(result.provenance['behavior.scaleUp.policies']).toEqual({
      level: 'global',
      preset: 'balanced',
    });
  });

  it('a later preset overrides an earlier explicit behavior', () => {
    const result = resolvePolicy([
      {
        level: 'global',
        policy: {
          maxReplicas: 10,
          behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
        },
      },
      { level: 'service', policy: { preset: 'conservative' } },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(
      600,
    );
    expect(result.policy.cooldownSeconds).toBe(300);
    expect(result.provenance.cooldownSeconds).toEqual({
      level: 'service',
      preset: 'conservative',
    });
  });

  it('replaces arrays as a whole, dropping the inherited provenance below them', () => {
    const result = resolvePolicy([
      {
        level: 'global',
        policy: {
          maxReplicas: 10,
          schedules: [
            {
              name: 'a',
              cron: '0 9 * * *',
              durationMinutes: 60,
              minReplicas: 2,
            },
          ],
        },
      },
      { level: 'tenant', policy: { schedules: [] } },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.policy.schedules).toEqual([]);
    expect(
      sourceOf(result.provenance, ['schedules', 0, 'minReplicas']),
    ).toEqual({ level: 'tenant' });
  });

  it('rejects min above max with the field path and the level that set it', () => {
    const result = resolvePolicy([
      { level: 'global', policy: { minReplicas: 2, maxReplicas: 10 } },
      { level: 'service', name: 'checkout', policy: { minReplicas: 12 } },
    ]);
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        path: ['minReplicas'],
        level: 'service',
        levelName: 'checkout',
      }),
    );
  });

  it('rejects a schedule above max and an unknown metric source, naming the paths', () => {
    const result = resolvePolicy(
      [
        { level: 'global', policy: { maxReplicas: 10 } },
        {
          level: 'service',
          policy: {
            schedules: [
              {
                name: 'launch',
                cron: '0 8 * * *',
                durationMinutes: 120,
                minReplicas: 20,
              },
            ],
            metrics: [
              {
                type: 'Pods',
                name: 'latency',
                signal: 'latency-percentile',
                query: { source: 'influx', query: 'SELECT p99 FROM latency' },
                target: { type: 'AverageValue', averageValue: 0.25 },
              },
            ],
          },
        },
      ],
      { knownSources: ['prometheus'] },
    );
    expect(result.ok).toBe(false);
    const paths = result.issues!.map(i => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'schedules.0.minReplicas',
        'metrics.0.query.source',
      ]),
    );
  });

  it('reports schema errors of a level with the field path and the level', () => {
    const result = resolvePolicy([
      { level: 'global', policy: { maxReplicas: 10 } },
      {
        level: 'tenant',
        name: 'acme',
        policy: {
          behavior: {
            scaleUp: {
              policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }],
            },
          },
        },
      },
    ]);
    expect(result.ok).toBe(false);
    expect(result.issues![0]).toMatchObject({
      path: ['behavior', 'scaleUp', 'policies', 0, 'value'],
      level: 'tenant',
      levelName: 'acme',
    });
  });

  it('requires maxReplicas from some level', () => {
    const result = resolvePolicy([
      { level: 'global', policy: { minReplicas: 1 } },
    ]);
    expect(result.ok).toBe(false);
    expect(result.issues![0].path).toEqual(['maxReplicas']);
  });

  it('rejects an invalid cron expression with its path', () => {
    const result = resolvePolicy([
      {
        level: 'global',
        policy: {
          maxReplicas: 10,
          schedules: [
            {
              name: 'x',
              cron: '0 25 * * *',
              durationMinutes: 5,
              minReplicas: 2,
            },
          ],
        },
      },
    ]);
    expect(result.ok).toBe(false);
    expect(result.issues![0].path).toEqual(['schedules', 0, 'cron']);
  });
});
