import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { createPolicyResolver, friendlyMessage } from './policyResolver';

const inherited = scalingPolicySchema.parse({
  minReplicas: 2,
  maxReplicas: 10,
});
const options = { fields: {}, shouldUseNativeValidation: false } as any;

describe('createPolicyResolver', () => {
  const resolve = createPolicyResolver(inherited);

  it('accepts a valid override and returns it as written', async () => {
    const result = await resolve(
      {
        maxReplicas: 12,
        vertical: { minAllowed: { cpu: '250m' } },
        queries: [],
      },
      undefined,
      options,
    );
    expect(result.errors).toEqual({});
    expect(result.values).toEqual({
      maxReplicas: 12,
      vertical: { minAllowed: { cpu: '250m' } },
    });
  });

  it('puts schema errors on their fields', async () => {
    const result = await resolve(
      {
        maxReplicas: 0,
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization' },
          } as any,
        ],
        queries: [{ name: 'bad name!', source: 'prometheus', query: 'up' }],
      },
      undefined,
      options,
    );
    const errors = result.errors as any;
    expect(errors.maxReplicas.message).toMatch(/>=\s*1|at least|too small/i);
    expect(errors.metrics[0].target.averageUtilization.message).toBe(
      'Required',
    );
    expect(errors.queries).toBeDefined();
  });

  it('puts whole-policy errors on their fields', async () => {
    const result = await resolve({ minReplicas: 20 }, undefined, options);
    expect((result.errors as any).minReplicas.message).toMatch(
      /above maxReplicas/,
    );
  });

  it('reads "received undefined" as Required', () => {
    expect(
      friendlyMessage('Invalid input: expected number, received undefined'),
    ).toBe('Required');
    expect(friendlyMessage('Too small')).toBe('Too small');
  });
});
