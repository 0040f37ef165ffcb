import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { autoscalingMetricSourcesExtensionPoint } from '@internal/plugin-autoscaling-node';
import { PrometheusMetricSource } from './PrometheusMetricSource';

/** The `autoscaling.metricSources[]` entries of `type: prometheus`, as sources. */
export function readPrometheusSources(
  config: Config,
): PrometheusMetricSource[] {
  return (config.getOptionalConfigArray('autoscaling.metricSources') ?? [])
    .filter(entry => entry.getOptionalString('type') === 'prometheus')
    .map(
      entry =>
        new PrometheusMetricSource(
          entry.getString('id'),
          entry.getString('url'),
        ),
    );
}

/**
 * The Prometheus metric source (PromQL over the HTTP API, `/api/v1/query`) as a backend module
 * on the autoscaling plugin's metric-source extension point, like any other source: every
 * `autoscaling.metricSources[]` entry `{id, type: prometheus, url}` becomes one source. Install
 * it beside the plugin:
 *
 * ```ts
 * import { autoscalingModulePrometheusMetricSource } from '@internal/plugin-autoscaling-backend';
 * backend.add(autoscalingModulePrometheusMetricSource);
 * ```
 */
export const autoscalingModulePrometheusMetricSource = createBackendModule({
  pluginId: 'autoscaling',
  moduleId: 'prometheus-metric-source',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        metricSources: autoscalingMetricSourcesExtensionPoint,
      },
      async init({ config, metricSources }) {
        for (const source of readPrometheusSources(config))
          metricSources.addMetricSource(source);
      },
    });
  },
});
