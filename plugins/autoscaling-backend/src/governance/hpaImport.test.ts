import { policyOverrideSchema } from '@internal/plugin-autoscaling-common';
import type { OtherAutoscaler } from '../kubernetes/types';
import { policyFromOtherAutoscaler } from './hpaImport';

const hpa = (spec: Partial<OtherAutoscaler>): OtherAutoscaler => ({
  kind: 'HorizontalPodAutoscaler',
  namespace: 'acme-production',
  name: 'checkout-api',
  target: { kind: 'Deployment', name: 'checkout-api' },
  ...spec,
});

describe('policyFromOtherAutoscaler', () => {
  it('takes an autoscaling/v2 HPA as a valid policy override: bounds, resource metrics, behavior', () => {
    const { override, notes } = policyFromOtherAutoscaler(
      hpa({
        minReplicas: 3,
        maxReplicas: 40,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 65 },
            },
          },
          {
            type: 'ContainerResource',
            containerResource: {
              name: 'memory',
              container: 'app',
              target: { type: 'AverageValue', averageValue: '600Mi' },
            },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 600,
            policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
          },
          scaleUp: {
            selectPolicy: 'Max',
            policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
          },
        },
      }),
    );
    expect(notes).toEqual([]);
    expect(override).toEqual({
      minReplicas: 3,
      maxReplicas: 40,
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 65 },
        },
        {
          type: 'Resource',
          resource: 'memory',
          container: 'app',
          target: { type: 'AverageValue', averageValue: '600Mi' },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 600,
          policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
        },
        scaleUp: {
          selectPolicy: 'Max',
          policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
        },
      },
    });
    expect(policyOverrideSchema.safeParse(override).success).toBe(true);
  });

  it("uses the API's defaults: minReplicas 1, 80% CPU without metrics", () => {
    const { override } = policyFromOtherAutoscaler(hpa({ maxReplicas: 10 }));
    expect(override).toEqual({
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      ],
    });
  });

  it('says what it could not import instead of dropping it', () => {
    const { override, notes } = policyFromOtherAutoscaler(
      hpa({
        maxReplicas: 10,
        metrics: [
          {
            type: 'External',
            external: {
              metric: { name: 'queue_depth' },
              target: { type: 'Value', value: '30' },
            },
          },
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, surprise: true },
        },
      }),
    );
    expect(override.metrics).toHaveLength(1);
    expect(notes).toEqual([
      'metrics[0]: External metric queue_depth is not imported: the portal reads it through a metric source; add it in the policy form with its query',
      'behavior.scaleUp.surprise is not imported',
    ]);
    const scaled = policyFromOtherAutoscaler({
      ...hpa({}),
      kind: 'ScaledObject',
      minReplicas: undefined,
      maxReplicas: 20,
    });
    expect(scaled.override).toEqual({ minReplicas: 0, maxReplicas: 20 });
    expect(scaled.notes[0]).toMatch(/KEDA's triggers are not imported/);
  });
});
