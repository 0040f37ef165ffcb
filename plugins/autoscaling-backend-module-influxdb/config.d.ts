export interface Config {
  autoscaling?: {
    /**
     * Metric sources policies name in their queries. This module reads the entries of
     * `type: influxdb` (InfluxDB 1.x InfluxQL HTTP API); other types belong to other modules.
     */
    metricSources?: Array<{
      id: string;
      type: string;
      /** InfluxDB HTTP API base URL, e.g. http://influxdb:8086 */
      url?: string;
      /** Database the InfluxQL queries run against (`db`). */
      database?: string;
      /** Retention policy (`rp`); the database's default when absent. */
      retentionPolicy?: string;
      /** HTTP Basic credentials; both or neither. */
      username?: string;
      /** @visibility secret */
      password?: string;
      /** Per-query timeout, seconds (default 10). */
      timeoutSeconds?: number;
    }>;
  };
}
