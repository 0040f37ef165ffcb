import type { Config } from '@backstage/config';
import type { HistoryPoint } from '@internal/plugin-autoscaling-common';

/** `autoscaling.demandHistory.prometheus`: where a workload's past comes from at first sight. */
export interface PrometheusHistoryConfig {
  baseUrl: string;
  days: number;
  stepSeconds: number;
  queries: { demand: string; replicas: string; readyReplicas: string };
  timeoutMs: number;
}

export const DEFAULT_HISTORY_QUERIES = {
  demand:
    'sum(rate(container_cpu_usage_seconds_total{namespace="$namespace",deployment="$workload"}[5m]))',
  replicas:
    'sum(kube_deployment_spec_replicas{namespace="$namespace",deployment="$workload"})',
  readyReplicas:
    'sum(kube_deployment_status_replicas_ready{namespace="$namespace",deployment="$workload"})',
};

/** Reads the config block; undefined when no Prometheus history source is configured. */
export function readPrometheusHistoryConfig(
  config: Config,
): PrometheusHistoryConfig | undefined {
  const block = config.getOptionalConfig(
    'autoscaling.demandHistory.prometheus',
  );
  if (!block) return undefined;
  const days = block.getOptionalNumber('days') ?? 14;
  const stepSeconds = block.getOptionalNumber('stepSeconds') ?? 300;
  if (!(days > 0 && days <= 90)) {
    throw new Error(
      'autoscaling.demandHistory.prometheus.days: must be between 0 and 90',
    );
  }
  if (!(stepSeconds >= 15 && stepSeconds <= 3600)) {
    throw new Error(
      'autoscaling.demandHistory.prometheus.stepSeconds: must be between 15 and 3600',
    );
  }
  const queries = block.getOptionalConfig('queries');
  return {
    baseUrl: block.getString('baseUrl'),
    days,
    stepSeconds,
    queries: {
      demand:
        queries?.getOptionalString('demand') ?? DEFAULT_HISTORY_QUERIES.demand,
      replicas:
        queries?.getOptionalString('replicas') ??
        DEFAULT_HISTORY_QUERIES.replicas,
      readyReplicas:
        queries?.getOptionalString('readyReplicas') ??
        DEFAULT_HISTORY_QUERIES.readyReplicas,
    },
    timeoutMs: block.getOptionalNumber('timeoutSeconds')
      ? block.getNumber('timeoutSeconds') * 1000
      : 30_000,
  };
}

/** A workload's past: demand (cores) and replica counts at the configured step. */
export interface WorkloadPast {
  demand: Array<{ atMs: number; value: number }>;
  /** Metric points for the charts (replicas, ready, demand), one per step with demand. */
  points: HistoryPoint[];
}

type Matrix = Array<{
  metric: Record<string, string>;
  values: Array<[number, string]>;
}>;

/**
 * Reads a workload's past through the Prometheus HTTP API (`/api/v1/query_range`): demand,
 * replicas and ready replicas over the last `days`. `$namespace` and `$workload` in the queries
 * are the workload's. Throws on any failure; the caller starts the workload without history.
 */
export class PrometheusHistory {
  constructor(
    private readonly config: PrometheusHistoryConfig,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  get stepSeconds() {
    return this.config.stepSeconds;
  }

  async read(
    workload: { namespace: string; name: string },
    nowMs: number,
  ): Promise<WorkloadPast> {
    const { queries, stepSeconds } = this.config;
    const stepMs = stepSeconds * 1000;
    // Aligned to the step so repeated reads ask Prometheus for the same samples.
    const end = Math.floor(nowMs / stepMs) * stepMs;
    const start = end - this.config.days * 86_400_000;
    const [demand, replicas, ready] = await Promise.all([
      this.queryRange(queries.demand, workload, start, end),
      this.queryRange(queries.replicas, workload, start, end),
      this.queryRange(queries.readyReplicas, workload, start, end),
    ]);
    const demandSeries = sumSeries(demand);
    const replicaSeries = sumSeries(replicas);
    const readySeries = sumSeries(ready);
    const points: HistoryPoint[] = [];
    const out: WorkloadPast['demand'] = [];
    for (const [atMs, value] of [...demandSeries.entries()].sort(
      (a, b) => a[0] - b[0],
    )) {
      out.push({ atMs, value });
      const count = replicaSeries.get(atMs);
      if (count === undefined) continue;
      const readyCount = readySeries.get(atMs) ?? count;
      points.push({
        at: new Date(atMs).toISOString(),
        replicas: Math.round(count),
        readyReplicas: Math.round(readyCount),
        // The past's desired count is not known; the spec's count is what was asked for.
        desiredReplicas: Math.round(count),
        demand: value,
        cpuUtilization: null,
      });
    }
    return { demand: out, points };
  }

  private async queryRange(
    template: string,
    workload: { namespace: string; name: string },
    startMs: number,
    endMs: number,
  ): Promise<Matrix> {
    const query = template
      .replaceAll('$namespace', workload.namespace)
      .replaceAll('$workload', workload.name);
    const params = new URLSearchParams({
      query,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(this.config.stepSeconds),
    });
    const url = `${this.config.baseUrl.replace(
      /\/$/,
      '',
    )}/api/v1/query_range?${params}`;
    const response = await this.fetchFn(url, {
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `Prometheus answered ${response.status} for ${query}: ${text.slice(
          0,
          200,
        )}`,
      );
    }
    let body: {
      status?: string;
      error?: string;
      data?: { resultType?: string; result?: unknown };
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `Prometheus returned a body that is not JSON for ${query}`,
      );
    }
    if (body.status !== 'success' || !body.data) {
      throw new Error(
        `Prometheus query failed for ${query}: ${body.error ?? 'no data'}`,
      );
    }
    if (body.data.resultType !== 'matrix' || !Array.isArray(body.data.result)) {
      throw new Error(
        `Prometheus returned a ${body.data.resultType} result for ${query}, expected a matrix`,
      );
    }
    return body.data.result as Matrix;
  }
}

/** Sums series by timestamp (the queries are sums already; this also tolerates several). */
function sumSeries(matrix: Matrix): Map<number, number> {
  const sums = new Map<number, number>();
  for (const series of matrix) {
    for (const pair of series.values ?? []) {
      if (!Array.isArray(pair) || pair.length < 2) continue;
      const atMs = Math.round(Number(pair[0]) * 1000);
      const value = Number(pair[1]);
      if (!Number.isFinite(atMs) || !Number.isFinite(value)) continue;
      sums.set(atMs, (sums.get(atMs) ?? 0) + value);
    }
  }
  return sums;
}
