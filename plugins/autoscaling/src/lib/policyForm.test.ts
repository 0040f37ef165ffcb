import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import {
  crossFieldIssues,
  formToOverride,
  issueFieldName,
  mergePolicy,
  overrideToForm,
  pruneEmpty,
} from './policyForm';

const inherited = scalingPolicySchema.parse({
  minReplicas: 2,
  maxReplicas: 10,
});

describe('policyForm', () => {
  it('prunes blank fields so they inherit', () => {
    expect(
      pruneEmpty({
        a: '',
        b: undefined,
        c: { d: NaN },
        e: [],
        f: 0,
        g: false,
        h: [{ x: '' }],
      }),
    ).toEqual({ f: 0, g: false, h: [{}] });
    expect(pruneEmpty({})).toBeUndefined();
  });

  it('round-trips queries between the record and form rows', () => {
    const override = {
      minReplicas: 3,
      queries: { rps: { source: 'prometheus', query: 'sum(rate(x[1m]))' } },
    };
    const form = overrideToForm(override);
    expect(form.queries).toEqual([
      { name: 'rps', source: 'prometheus', query: 'sum(rate(x[1m]))' },
    ]);
    expect(formToOverride(form)).toEqual(override);
    expect(formToOverride({ predictive: {}, queries: [] })).toEqual({});
  });

  it('merges objects field by field and replaces arrays', () => {
    const merged = mergePolicy(inherited, {
      maxReplicas: 20,
      predictive: { enabled: true },
      metrics: [
        {
          type: 'Resource',
          resource: 'memory',
          target: { type: 'Utilization', averageUtilization: 70 },
        },
      ],
    });
    expect(merged.maxReplicas).toBe(20);
    expect(merged.minReplicas).toBe(2);
    expect(merged.predictive.enabled).toBe(true);
    expect(merged.predictive.leadTimeSeconds).toBe(300);
    expect(merged.metrics).toHaveLength(1);
    expect(merged.metrics[0]).toMatchObject({ resource: 'memory' });
  });

  it('finds cross-field issues of the policy this level produces', () => {
    expect(crossFieldIssues(inherited, { minReplicas: 4 })).toEqual([]);
    const issues = crossFieldIssues(inherited, { minReplicas: 12 });
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['minReplicas'],
        message: expect.stringMatching(/above maxReplicas/),
      }),
    ]);
    const fallback = crossFieldIssues(inherited, {
      fallback: { replicas: 50 },
    });
    expect(fallback[0].path).toEqual(['fallback', 'replicas']);
  });

  it('maps issue paths to form field names', () => {
    const values = {
      queries: [
        { name: 'a', source: '', query: '' },
        { name: 'b', source: 'x', query: 'y' },
      ],
    };
    expect(
      issueFieldName({ path: ['queries', 'b', 'source'], message: '' }, values),
    ).toBe('queries.1.source');
    expect(
      issueFieldName({ path: ['schedules', 0, 'cron'], message: '' }, values),
    ).toBe('schedules.0.cron');
  });
});
