import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { MetricSource } from '@internal/plugin-autoscaling-node';

/**
 * The metric sources backend modules added through the extension point, by id. Each module
 * reads its own `autoscaling.metricSources[]` entries; an entry no installed module turned into
 * a source is logged (a policy naming it gets "metric source ... is not registered" samples),
 * and a second source with an id already taken is refused.
 */
export function collectMetricSources(
  config: Config,
  added: readonly MetricSource[],
  logger: LoggerService,
): Map<string, MetricSource> {
  const sources = new Map<string, MetricSource>();
  for (const source of added) {
    if (sources.has(source.id)) {
      throw new Error(
        `Two metric sources have the id '${source.id}' (${
          sources.get(source.id)!.type ?? 'unknown type'
        } and ${source.type ?? 'unknown type'}): ids must be unique`,
      );
    }
    sources.set(source.id, source);
  }
  (config.getOptionalConfigArray('autoscaling.metricSources') ?? []).forEach(
    (entry, index) => {
      const id = entry.getOptionalString('id');
      if (id !== undefined && sources.has(id)) return;
      const type = entry.getOptionalString('type') ?? '(no type)';
      logger.warn(
        `autoscaling.metricSources[${index}] '${
          id ?? '(no id)'
        }' of type ${type} is not registered: no installed backend module adds ${type} sources (see the README's metric sources)`,
      );
    },
  );
  return sources;
}
