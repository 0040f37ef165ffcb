/** API types of the metric-source routes (`/metric-sources`, `/metric-sources/dry-run`). */

/** `GET /metric-sources?entityRef=`: the sources policies can name, from installed modules. */
export interface MetricSourcesResponse {
  sources: Array<{ id: string; type: string | null }>;
}

/** `POST /metric-sources/dry-run`. */
export interface MetricSourceDryRunRequest {
  entityRef: string;
  source: string;
  query: string;
  /** How the value is compared with the target (default Object). */
  metricType?: 'Pods' | 'Object' | 'External';
  targetType?: 'Value' | 'AverageValue';
  /** Which workload of the entity (default its first). */
  workloadId?: string;
}

export interface MetricSourceDryRunWorkload {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * The dry run's answer: the value the engine would compare with the target, or the source's
 * error on the field it belongs to.
 */
export type MetricSourceDryRunResult =
  | {
      ok: true;
      source: string;
      workload: MetricSourceDryRunWorkload;
      /** What the engine compares with the target (per-pod average for Pods metrics, ...). */
      value: number;
      /** How `value` was computed, in words ("average of 3 pods"). */
      meaning: string;
      /** The first series of the answer, with their labels. */
      series: Array<{ labels: Record<string, string>; value: number }>;
      seriesCount: number;
    }
  | {
      ok: false;
      source: string;
      workload: MetricSourceDryRunWorkload;
      field: 'query';
      message: string;
    };
