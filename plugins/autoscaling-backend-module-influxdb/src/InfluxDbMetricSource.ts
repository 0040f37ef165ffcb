import type {
  MetricQueryRequest,
  MetricSeries,
  MetricSource,
} from '@internal/plugin-autoscaling-node';

/** One `autoscaling.metricSources[]` entry of type `influxdb`. */
export interface InfluxDbSourceConfig {
  id: string;
  /** Base URL of the InfluxDB 1.x HTTP API, e.g. `http://influxdb:8086`. */
  url: string;
  database: string;
  /** Retention policy the queries read (`rp`); the database's default when absent. */
  retentionPolicy?: string;
  /** Sent as HTTP Basic credentials when both are set. */
  username?: string;
  password?: string;
  /** Per-query timeout, seconds (default 10). */
  timeoutSeconds?: number;
}

interface InfluxSeries {
  name?: string;
  tags?: Record<string, string>;
  columns?: string[];
  values?: unknown[][];
}

interface InfluxResult {
  statement_id?: number;
  error?: string;
  series?: InfluxSeries[];
}

/** A value for an InfluxQL single-quoted string literal. */
function quoteLiteralValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/**
 * Runs InfluxQL through the InfluxDB 1.x HTTP API (`GET /query?db=...&q=...`). As for
 * Prometheus, `$namespace` and `$workload` in the query become the workload's (escaped for
 * InfluxQL string literals, so `WHERE "namespace"='$namespace'` is safe). Each series of the
 * result becomes one `MetricSeries` with the series' tags as labels and the newest non-null
 * value of its one field: `GROUP BY "pod"` gives a Pods metric one value per pod, an
 * ungrouped aggregate gives one series (summed for Object and External metrics).
 */
export class InfluxDbMetricSource implements MetricSource {
  readonly type = 'influxdb';
  readonly id: string;

  constructor(
    private readonly config: InfluxDbSourceConfig,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.id = config.id;
  }

  async query(request: MetricQueryRequest): Promise<MetricSeries[]> {
    const query = request.query
      .replaceAll('$namespace', quoteLiteralValue(request.namespace))
      .replaceAll('$workload', quoteLiteralValue(request.workload));
    const params = new URLSearchParams({
      db: this.config.database,
      q: query,
      epoch: 'ms',
    });
    if (this.config.retentionPolicy)
      params.set('rp', this.config.retentionPolicy);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (
      this.config.username !== undefined &&
      this.config.password !== undefined
    ) {
      headers.authorization = `Basic ${Buffer.from(
        `${this.config.username}:${this.config.password}`,
      ).toString('base64')}`;
    }
    const url = `${this.config.url.replace(/\/$/, '')}/query?${params}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        headers,
        signal: AbortSignal.timeout((this.config.timeoutSeconds ?? 10) * 1000),
      });
    } catch (error) {
      throw new Error(
        `InfluxDB ${this.id} at ${this.config.url} could not be reached: ${
          (error as Error).message
        }`,
      );
    }
    const text = await response.text();
    let body: { results?: InfluxResult[]; error?: string } = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: reported below with the status
    }
    if (!response.ok) {
      throw new Error(
        `InfluxDB ${this.id} answered ${response.status}${
          body.error ? `: ${body.error}` : ''
        } for ${query}`,
      );
    }
    if (body.error) {
      throw new Error(`InfluxDB ${this.id} query failed: ${body.error}`);
    }
    const results = body.results ?? [];
    if (results.length !== 1) {
      throw new Error(
        `InfluxDB ${this.id}: the query must be one statement (it ran ${results.length})`,
      );
    }
    const [result] = results;
    if (result.error) {
      throw new Error(`InfluxDB ${this.id} query failed: ${result.error}`);
    }
    const out: MetricSeries[] = [];
    for (const series of result.series ?? []) {
      const columns = series.columns ?? [];
      const fields = columns.filter(c => c !== 'time');
      if (fields.length !== 1) {
        throw new Error(
          `InfluxDB ${this.id}: the query must select one field, it selects ${
            fields.length
          } (${fields.join(', ')})`,
        );
      }
      const column = columns.indexOf(fields[0]);
      const rows = series.values ?? [];
      let value: number | undefined;
      for (let i = rows.length - 1; i >= 0 && value === undefined; i--) {
        const cell = rows[i][column];
        if (cell !== null && cell !== undefined) value = Number(cell);
      }
      if (value === undefined) continue;
      if (!Number.isFinite(value)) {
        throw new Error(
          `InfluxDB ${this.id}: ${fields[0]} is not a number in ${
            series.name ?? 'the result'
          }`,
        );
      }
      out.push({ labels: { ...(series.tags ?? {}) }, value });
    }
    if (out.length === 0) {
      throw new Error(`InfluxDB ${this.id} returned no series for ${query}`);
    }
    return out;
  }
}
