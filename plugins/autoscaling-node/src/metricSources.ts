import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** Where a query runs: the workload it is about and the policy's query text. */
export interface MetricQueryRequest {
  cluster: string;
  namespace: string;
  workload: string;
  /** The policy's query (PromQL for Prometheus), with `$namespace` and `$workload` substituted. */
  query: string;
}

/** One series of a result, with its labels (e.g. `pod`, for Pods metrics). */
export interface MetricSeries {
  labels: Record<string, string>;
  value: number;
}

/**
 * A source of metric values for pods, object and external metrics of a policy
 * (request rate, latency percentiles, queue length, error rate...). Policies name the
 * source by `id`.
 */
export interface MetricSource {
  readonly id: string;
  /** What kind of source it is (`prometheus`, `influxdb`, ...), shown in the policy form's picker. */
  readonly type?: string;
  /**
   * One value, or several series: the engine sums them for Object and External metrics
   * (as the HPA does) and reads them per `pod` label for Pods metrics.
   */
  query(request: MetricQueryRequest): Promise<number | MetricSeries[]>;
}

export interface AutoscalingMetricSourcesExtensionPoint {
  addMetricSource(source: MetricSource): void;
}

/** Lets backend modules add metric sources (InfluxDB, CloudWatch, ...). */
export const autoscalingMetricSourcesExtensionPoint =
  createExtensionPoint<AutoscalingMetricSourcesExtensionPoint>({
    id: 'autoscaling.metric-sources',
  });
