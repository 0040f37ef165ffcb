/**
 * One proposal from all metrics: the maximum of the per-metric proposals, and no proposal at
 * all when every metric failed or when some failed and the rest would scale down
 * (horizontal.go, `computeReplicasForMetrics`).
 */
import {
  metricKey,
  type MetricSpec,
} from '@internal/plugin-autoscaling-common';
import {
  averageValueMetricReplicas,
  plainMetricReplicas,
  resourceUtilizationReplicas,
  valueMetricReplicas,
  type PodTiming,
  type Proposal,
} from './replicaCalculator';
import type { Tolerances } from './tolerances';
import type { MetricSample, MetricStatus, ObservedWorkload } from './types';

export type MetricsProposal =
  | { ok: true; replicas: number; metricName: string; statuses: MetricStatus[] }
  | {
      ok: false;
      /** The first failing metric's condition reason, e.g. FailedGetResourceMetric. */
      reason: string;
      message: string;
      /** Set when working metrics asked for fewer replicas than now (scale-down refused). */
      partialReplicas?: number;
      statuses: MetricStatus[];
    };

const FAILURE_REASON: Record<MetricSpec['type'], string> = {
  Resource: 'FailedGetResourceMetric',
  Pods: 'FailedGetPodsMetric',
  Object: 'FailedGetObjectMetric',
  External: 'FailedGetExternalMetric',
};

export function computeMetricsProposal(
  metrics: readonly MetricSpec[],
  workload: ObservedWorkload,
  samples: Readonly<Record<string, MetricSample>>,
  tolerances: Tolerances,
  timing: Omit<PodTiming, 'sampleTimestampMs' | 'sampleWindowMs'>,
): MetricsProposal {
  const specReplicas = workload.currentReplicas;
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metricName = '';
  let firstFailure: { reason: string; message: string } | undefined;
  let failures = 0;

  for (const spec of metrics) {
    const name = metricKey(spec);
    const proposal = proposeForMetric(
      spec,
      workload,
      samples[name],
      tolerances,
      timing,
    );
    if (!proposal.ok) {
      failures++;
      firstFailure ??= {
        reason: FAILURE_REASON[spec.type],
        message: `failed to get ${name} metric: ${proposal.error}`,
      };
      statuses.push({ name, type: spec.type, error: proposal.error });
      continue;
    }
    statuses.push({
      name,
      type: spec.type,
      proposal: proposal.replicas,
      current: {
        averageUtilization: proposal.utilization,
        averageValue: proposal.averageValue,
        value: proposal.value,
      },
    });
    if (replicas === 0 || proposal.replicas > replicas) {
      replicas = proposal.replicas;
      metricName = name;
    }
  }

  if (firstFailure && (failures >= metrics.length || replicas < specReplicas)) {
    return {
      ok: false,
      ...firstFailure,
      partialReplicas: failures < metrics.length ? replicas : undefined,
      statuses,
    };
  }
  return { ok: true, replicas, metricName, statuses };
}

function proposeForMetric(
  spec: MetricSpec,
  workload: ObservedWorkload,
  sample: MetricSample | undefined,
  tolerances: Tolerances,
  baseTiming: Omit<PodTiming, 'sampleTimestampMs' | 'sampleWindowMs'>,
): Proposal {
  if (!sample) return { ok: false, error: 'no sample' };
  if (sample.type === 'error') return { ok: false, error: sample.message };
  const currentReplicas = workload.currentReplicas;

  if (spec.type === 'Resource' || spec.type === 'Pods') {
    if (sample.type !== 'pods')
      return { ok: false, error: 'expected per-pod values' };
    const timing: PodTiming = {
      ...baseTiming,
      sampleTimestampMs: sample.timestampMs ?? baseTiming.nowMs,
      sampleWindowMs: (sample.windowSeconds ?? 30) * 1000,
    };
    if (spec.type === 'Resource' && spec.target.type === 'Utilization') {
      return resourceUtilizationReplicas({
        currentReplicas,
        targetUtilization: spec.target.averageUtilization,
        resource: spec.resource,
        container: spec.container,
        pods: workload.pods,
        values: sample.values,
        tolerances,
        timing,
      });
    }
    if (spec.target.type !== 'AverageValue')
      return { ok: false, error: 'unsupported target' };
    return plainMetricReplicas({
      currentReplicas,
      targetAverageValue: spec.target.averageValue,
      resource: spec.type === 'Resource' ? spec.resource : undefined,
      pods: workload.pods,
      values: sample.values,
      tolerances,
      timing,
    });
  }

  if (sample.type !== 'value') return { ok: false, error: 'expected a value' };
  // External metrics sum every returned series; an Object metric has one.
  const value =
    typeof sample.value === 'number'
      ? sample.value
      : sample.value.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(value))
    return { ok: false, error: 'value is not a finite number' };
  if (spec.target.type === 'Value') {
    return valueMetricReplicas({
      currentReplicas,
      value,
      targetValue: spec.target.value,
      pods: workload.pods,
      tolerances,
    });
  }
  return averageValueMetricReplicas({
    statusReplicas: workload.statusReplicas ?? currentReplicas,
    value,
    targetAverageValue: spec.target.averageValue,
    tolerances,
  });
}
