import type { Config } from '@backstage/config';
import type { InfluxDbSourceConfig } from './InfluxDbMetricSource';

/**
 * The `autoscaling.metricSources[]` entries of `type: influxdb`. Entries of other types belong to
 * other modules and are skipped. A bad entry throws naming its key, e.g.
 * `autoscaling.metricSources[1].database`, so the backend does not start half-configured.
 */
export function readInfluxDbSources(config: Config): InfluxDbSourceConfig[] {
  const entries =
    config.getOptionalConfigArray('autoscaling.metricSources') ?? [];
  const sources: InfluxDbSourceConfig[] = [];
  entries.forEach((entry, index) => {
    if (entry.getOptionalString('type') !== 'influxdb') return;
    const key = `autoscaling.metricSources[${index}]`;
    const url = entry.getString('url');
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new Error(
        `${key}.url: '${url}' is not an http(s) URL of an InfluxDB 1.x API`,
      );
    }
    const username = entry.getOptionalString('username');
    const password = entry.getOptionalString('password');
    if ((username === undefined) !== (password === undefined)) {
      throw new Error(
        `${key}.${
          username === undefined ? 'username' : 'password'
        }: username and password go together`,
      );
    }
    const timeoutSeconds = entry.getOptionalNumber('timeoutSeconds');
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) {
      throw new Error(`${key}.timeoutSeconds: must be above 0`);
    }
    sources.push({
      id: entry.getString('id'),
      url,
      database: entry.getString('database'),
      retentionPolicy: entry.getOptionalString('retentionPolicy'),
      username,
      password,
      timeoutSeconds,
    });
  });
  return sources;
}
