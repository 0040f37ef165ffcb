import type {
  MetricQueryRequest,
  MetricSeries,
  MetricSource,
} from '@internal/plugin-autoscaling-node';

/**
 * Runs PromQL instant queries through the Prometheus HTTP API (`/api/v1/query`).
 * `$namespace` and `$workload` in the query are replaced by the workload's, so one
 * policy can serve many services.
 */
export class PrometheusMetricSource implements MetricSource {
  readonly type = 'prometheus';

  constructor(
    readonly id: string,
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async query(request: MetricQueryRequest): Promise<number | MetricSeries[]> {
    const query = request.query
      .replaceAll('$namespace', request.namespace)
      .replaceAll('$workload', request.workload);
    const url = `${this.baseUrl.replace(
      /\/$/,
      '',
    )}/api/v1/query?query=${encodeURIComponent(query)}`;
    const response = await this.fetchFn(url);
    if (!response.ok) {
      throw new Error(
        `Prometheus ${this.id} answered ${response.status} for ${query}`,
      );
    }
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: any };
    };
    if (body.status !== 'success' || !body.data) {
      throw new Error(
        `Prometheus ${this.id} query failed: ${body.error ?? 'unknown error'}`,
      );
    }
    const { resultType, result } = body.data;
    if (resultType === 'scalar') return Number(result[1]);
    if (resultType === 'vector') {
      if (result.length === 0) {
        throw new Error(
          `Prometheus ${this.id} returned no series for ${query}`,
        );
      }
      return result.map(
        (series: {
          metric: Record<string, string>;
          value: [number, string];
        }) => ({
          labels: series.metric,
          value: Number(series.value[1]),
        }),
      );
    }
    throw new Error(
      `Prometheus ${this.id} returned an unsupported ${resultType} result`,
    );
  }
}
