import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { autoscalingMetricSourcesExtensionPoint } from '@internal/plugin-autoscaling-node';
import { InfluxDbMetricSource } from './InfluxDbMetricSource';
import { readInfluxDbSources } from './readInfluxDbSources';

/**
 * Adds every `autoscaling.metricSources[]` entry of `type: influxdb` to the autoscaling plugin
 * through its metric-source extension point. Install with
 * `backend.add(import('@internal/plugin-autoscaling-backend-module-influxdb'))`.
 */
export const autoscalingModuleInfluxDbMetricSource = createBackendModule({
  pluginId: 'autoscaling',
  moduleId: 'influxdb-metric-source',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        metricSources: autoscalingMetricSourcesExtensionPoint,
      },
      async init({ config, logger, metricSources }) {
        for (const source of readInfluxDbSources(config)) {
          metricSources.addMetricSource(new InfluxDbMetricSource(source));
          logger.info(
            `InfluxDB metric source '${source.id}': ${source.url}, database ${source.database}`,
          );
        }
      },
    });
  },
});
