import {
  metricKey,
  type MetricSpec,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import type { MetricSample } from '@internal/plugin-autoscaling-engine';
import type { MetricSource } from '@internal/plugin-autoscaling-node';
import type { PodUsage } from '../kubernetes/types';

export interface SampleContext {
  cluster: string;
  namespace: string;
  workload: string;
  /** metrics.k8s.io usage by pod, or the error that prevented reading it. */
  podUsage: Record<string, PodUsage> | Error;
  sources: ReadonlyMap<string, MetricSource>;
  nowMs: number;
}

/**
 * Reads one sample per metric of the policy: resource metrics from metrics.k8s.io,
 * the others through the metric source their query names. A failure becomes an
 * `error` sample, so the engine can apply the HPA's rules for failed metrics.
 */
export async function collectSamples(
  policy: ScalingPolicy,
  context: SampleContext,
): Promise<Record<string, MetricSample>> {
  const samples: Record<string, MetricSample> = {};
  await Promise.all(
    policy.metrics.map(async metric => {
      samples[metricKey(metric)] = await sampleOf(metric, policy, context);
    }),
  );
  return samples;
}

async function sampleOf(
  metric: MetricSpec,
  policy: ScalingPolicy,
  context: SampleContext,
): Promise<MetricSample> {
  if (metric.type === 'Resource') {
    if (context.podUsage instanceof Error) {
      return {
        type: 'error',
        message: `metrics.k8s.io: ${context.podUsage.message}`,
      };
    }
    const values: Record<string, number> = {};
    for (const [pod, usage] of Object.entries(context.podUsage)) {
      values[pod] = metric.resource === 'cpu' ? usage.cpu : usage.memory;
    }
    return { type: 'pods', values, timestampMs: context.nowMs };
  }

  const query =
    'ref' in metric.query ? policy.queries[metric.query.ref] : metric.query;
  if (!query) {
    return {
      type: 'error',
      message: `query '${
        (metric.query as { ref: string }).ref
      }' is not defined`,
    };
  }
  const source = context.sources.get(query.source);
  if (!source) {
    return {
      type: 'error',
      message: `metric source '${query.source}' is not registered`,
    };
  }
  try {
    const result = await source.query({
      cluster: context.cluster,
      namespace: context.namespace,
      workload: context.workload,
      query: query.query,
    });
    if (typeof result === 'number') return { type: 'value', value: result };
    if (metric.type === 'Pods') {
      const values: Record<string, number> = {};
      result.forEach((series, index) => {
        values[series.labels.pod ?? String(index)] = series.value;
      });
      return { type: 'pods', values, timestampMs: context.nowMs };
    }
    return { type: 'value', value: result.map(series => series.value) };
  } catch (error) {
    return {
      type: 'error',
      message: `${query.source}: ${(error as Error).message}`,
    };
  }
}
