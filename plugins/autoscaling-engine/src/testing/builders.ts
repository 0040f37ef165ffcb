/**
 * Small builders for engine tests: policies, pods and samples in a few words.
 */
import {
  scalingPolicySchema,
  type ScalingPolicy,
  type ScalingPolicyInput,
} from '@internal/plugin-autoscaling-common';
import type { MetricSample, PodObservation } from '../horizontal/types';

export const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);

export function policy(input: Partial<ScalingPolicyInput> = {}): ScalingPolicy {
  return scalingPolicySchema.parse({
    minReplicas: 1,
    maxReplicas: 100,
    ...input,
  });
}

export const cpuMetric = (averageUtilization: number, name?: string) => ({
  type: 'Resource' as const,
  resource: 'cpu' as const,
  ...(name ? { name } : {}),
  target: { type: 'Utilization' as const, averageUtilization },
});

/** No rate limit or stabilisation: isolates the replica calculator. */
export const FREE_BEHAVIOR = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent' as const, value: 10000, periodSeconds: 15 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent' as const, value: 100, periodSeconds: 15 }],
  },
};

/** `count` running, ready pods that started long ago, each requesting `cpu` cores. */
export function readyPods(
  count: number,
  cpu = 1,
  prefix = 'p',
): PodObservation[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    phase: 'Running' as const,
    ready: true,
    startTimeMs: NOW - 3600_000,
    readyTransitionMs: NOW - 3500_000,
    requests: { cpu, memory: 2 ** 30 },
  }));
}

export function pendingPods(
  count: number,
  prefix = 'pending',
): PodObservation[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    phase: 'Pending' as const,
    ready: false,
    startTimeMs: NOW - 10_000,
    requests: { cpu: 1, memory: 2 ** 30 },
  }));
}

/** Per-pod values for the given pods, all equal or one per pod. */
export function perPod(
  pods: readonly PodObservation[],
  values: number | readonly number[],
): MetricSample {
  const byName: Record<string, number> = {};
  pods.forEach((pod, i) => {
    const value = typeof values === 'number' ? values : values[i];
    if (value !== undefined) byName[pod.name] = value;
  });
  return { type: 'pods', values: byName, timestampMs: NOW, windowSeconds: 30 };
}
