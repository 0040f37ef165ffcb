/**
 * Coexistence with another autoscaler (issue 19 item 4): a Deployment that an autoscaling/v2
 * HorizontalPodAutoscaler also targets is not written by the engine. The simulator's HPA
 * controller scales it alone, so the two never pull the replica count in opposite directions;
 * the decision and the workload's state name the HPA. Asserted from the simulator's request log.
 */
import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import {
  isScaleWrite,
  NAMESPACE,
  SimBackend,
  startSimBackend,
  WORKLOAD,
  WORKLOAD_ID,
} from './__testUtils__/simBackend';

jest.setTimeout(60_000);

const HPA = 'autoscaling/horizontalpodautoscalers';

function hpa() {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'checkout-api-hpa', namespace: NAMESPACE },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: WORKLOAD,
      },
      minReplicas: 2,
      maxReplicas: 9,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        },
      ],
    },
  };
}

describe('a workload another autoscaler also scales', () => {
  let b: SimBackend | undefined;
  afterEach(async () => {
    await b?.stop();
    b = undefined;
  });

  it('is not written while the HPA exists, says which object conflicts, and is scaled again once it is gone', async () => {
    b = await startSimBackend({ mode: 'auto' });
    await b.tick();
    b.sim.sim.store.create(HPA, hpa());
    // A crowd both autoscalers would answer: the engine decides to scale, the HPA scales.
    b.sim.setDemand(NAMESPACE, WORKLOAD, 1500);

    const replicas: number[] = [];
    for (let i = 0; i < 20; i++) {
      const tick = await b.tick();
      expect(tick).toMatchObject({ evaluated: 1, failures: 0 });
      replicas.push(b.specReplicas());
    }
    // Not one write from the engine; the HPA alone moved the count, up to its maximum and no
    // further, and never back down during the crowd (no tug of war).
    expect(b.kubernetesWrites()).toEqual([]);
    expect(replicas[replicas.length - 1]).toBe(9);
    for (let i = 1; i < replicas.length; i++)
      expect(replicas[i]).toBeGreaterThanOrEqual(replicas[i - 1]);

    const decisions = await b.decisions();
    const blocked = decisions.filter(d => d.outcome === 'other-autoscaler');
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked[0].reasons).toContainEqual({
      code: 'OtherAutoscaler',
      message: expect.stringContaining(
        `HorizontalPodAutoscaler ${NAMESPACE}/checkout-api-hpa also scales this Deployment`,
      ),
    });
    const status = (await b.service.store.getWorkload(WORKLOAD_ID))!.status!;
    expect(status.otherAutoscaler).toEqual({
      kind: 'HorizontalPodAutoscaler',
      namespace: NAMESPACE,
      name: 'checkout-api-hpa',
      minReplicas: 2,
      maxReplicas: 9,
    });

    // Its settings, read live from the cluster, as the service's policy override.
    const proposal = await request(b.app).get(
      `/workloads/${encodeURIComponent(WORKLOAD_ID)}/other-autoscaler`,
    );
    expect(proposal.status).toBe(200);
    expect(proposal.body).toEqual({
      autoscaler: {
        kind: 'HorizontalPodAutoscaler',
        namespace: NAMESPACE,
        name: 'checkout-api-hpa',
        minReplicas: 2,
        maxReplicas: 9,
      },
      override: {
        minReplicas: 2,
        maxReplicas: 9,
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        ],
      },
      notes: [],
      deleteCommand: `kubectl delete hpa -n ${NAMESPACE} checkout-api-hpa`,
    });

    // The HPA is deleted (after importing its spec, say): the engine is in charge again.
    b.sim.sim.store.delete(HPA, NAMESPACE, 'checkout-api-hpa');
    let wrote = false;
    for (let i = 0; i < 4 && !wrote; i++) {
      const tick = await b.tick();
      wrote = b.requestsAt(tick.at).some(isScaleWrite);
    }
    expect(wrote).toBe(true);
    expect(
      (await b.service.store.getWorkload(WORKLOAD_ID))!.status!.otherAutoscaler,
    ).toBeNull();
    // With the error handler a backend plugin gets: a NotFoundError is a 404.
    const app = express().use(b.service.router).use(mockErrorHandler());
    const gone = await request(app).get(
      `/workloads/${encodeURIComponent(WORKLOAD_ID)}/other-autoscaler`,
    );
    expect(gone.status).toBe(404);
  });
});
