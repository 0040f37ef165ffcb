/**
 * Issue 15 item 7: rollback must respect the policy's min/max like manual scale does
 * (ManualScaler's own doc comment says both do). Rollback from 2 to 1 on a workload whose
 * minimum is 2 was applied.
 */
import { InputError } from '@backstage/errors';
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { ManualScaler } from './ManualScaler';

const WORKLOAD: any = {
  id: 'sim/acme/Deployment/checkout-api',
  cluster: 'sim',
  namespace: 'acme',
  kind: 'Deployment',
  name: 'checkout-api',
  entityRef: 'component:default/checkout-api',
};

describe('ManualScaler.rollback', () => {
  it('refuses to roll back outside the policy bounds, like manual scale', async () => {
    const replaceScale = jest.fn(async () => ({
      replicas: 1,
      statusReplicas: 1,
      resourceVersion: '2',
    }));
    const store: any = {
      listDecisions: async () => [{ outcome: 'applied', from: 1, to: 2 }],
      recordDecision: async (d: unknown) => d,
    };
    const scaler = new ManualScaler(
      store,
      () =>
        ({
          getScale: async () => ({
            replicas: 2,
            statusReplicas: 2,
            resourceVersion: '1',
          }),
          replaceScale,
        } as any),
      {
        effectivePolicy: async () =>
          scalingPolicySchema.parse({ minReplicas: 2, maxReplicas: 10 }),
      },
      { append: jest.fn() },
      async () => false,
    );
    await expect(
      scaler.scale(WORKLOAD, 1, 'user:default/bob', 'below min'),
    ).rejects.toThrow(InputError);
    await expect(
      scaler.rollback(WORKLOAD, 'user:default/bob', 'undo'),
    ).rejects.toThrow(/outside the policy's bounds \[2, 10\]/);
    expect(replaceScale).not.toHaveBeenCalled();
  });
});
