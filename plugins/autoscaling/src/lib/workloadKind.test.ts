import type { WorkloadRef } from '@internal/plugin-autoscaling-common';
import { describeWorkloadPlacement, workloadKindWords } from './workloadKind';

describe('workloadKindWords', () => {
  it('calls Kubernetes workloads by their kind, with CPU of requests', () => {
    expect(workloadKindWords('Deployment')).toEqual({
      noun: 'Deployment',
      cpuLabel: 'CPU of requests',
    });
    expect(workloadKindWords('StatefulSet')).toEqual({
      noun: 'StatefulSet',
      cpuLabel: 'CPU of requests',
    });
  });

  it('calls a Compose service one, with CPU of its limit (it has no requests)', () => {
    expect(workloadKindWords('ComposeService')).toEqual({
      noun: 'Compose service',
      cpuLabel: 'CPU of limit',
    });
  });

  it('names a kind it does not know as sent, claiming nothing about the CPU figure', () => {
    expect(
      workloadKindWords('CronJob' as unknown as WorkloadRef['kind']),
    ).toEqual({ noun: 'CronJob', cpuLabel: 'CPU' });
  });
});

describe('describeWorkloadPlacement', () => {
  it('says what the workload is and where it runs', () => {
    expect(
      describeWorkloadPlacement({
        cluster: 'prod-eu',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'checkout-api',
      }),
    ).toBe('Deployment in prod-eu/shop');
    expect(
      describeWorkloadPlacement({
        cluster: 'compose-demo',
        namespace: 'demo',
        kind: 'ComposeService',
        name: 'render',
      }),
    ).toBe('Compose service in compose-demo/demo');
  });
});
