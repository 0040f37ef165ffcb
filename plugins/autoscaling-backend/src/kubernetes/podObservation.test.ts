import type { V1Pod } from '@kubernetes/client-node';
import { podUsageOf, toPodObservation } from './KubernetesClusterClient';

const MIB = 2 ** 20;

describe('reading containers from the cluster', () => {
  it('reads OOM kills from lastState.terminated with the container memory request and limit', () => {
    const pod: V1Pod = {
      metadata: { name: 'api-1' },
      spec: {
        containers: [
          {
            name: 'app',
            resources: {
              requests: { cpu: '500m', memory: '512Mi' },
              limits: { memory: '768Mi' },
            },
          },
          { name: 'sidecar', resources: { requests: { cpu: '50m' } } },
        ],
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            image: 'x',
            imageID: 'x',
            ready: true,
            restartCount: 2,
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                finishedAt: new Date('2026-01-01T10:00:00Z'),
              },
            },
          },
          {
            name: 'sidecar',
            image: 'x',
            imageID: 'x',
            ready: true,
            restartCount: 1,
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                finishedAt: new Date(),
              },
            },
          },
        ],
      },
    };
    const observed = toPodObservation(pod);
    expect(observed.oomKills).toEqual([
      {
        container: 'app',
        atMs: Date.parse('2026-01-01T10:00:00Z'),
        memoryRequest: 512 * MIB,
        memoryLimit: 768 * MIB,
      },
    ]);
    expect(observed.containerRequests).toEqual({
      app: { cpu: 0.5, memory: 512 * MIB },
      sidecar: { cpu: 0.05, memory: undefined },
    });
    expect(
      toPodObservation({
        metadata: { name: 'b' },
        status: { phase: 'Running' },
      }).oomKills,
    ).toBeUndefined();
  });

  it('keeps metrics.k8s.io usage per container as well as per pod', () => {
    const usage = podUsageOf([
      {
        metadata: { name: 'api-1' },
        containers: [
          { name: 'app', usage: { cpu: '250m', memory: '300Mi' } },
          { name: 'sidecar', usage: { cpu: '10m', memory: '20Mi' } },
        ],
      },
    ]);
    expect(usage['api-1'].cpu).toBeCloseTo(0.26);
    expect(usage['api-1'].memory).toBe(320 * MIB);
    expect(usage['api-1'].containers).toEqual({
      app: { cpu: 0.25, memory: 300 * MIB },
      sidecar: { cpu: 0.01, memory: 20 * MIB },
    });
  });
});
