import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  ActuationTarget,
  autoscalingActuationTargetsExtensionPoint,
  autoscalingMetricSourcesExtensionPoint,
  MetricSource,
} from '@internal/plugin-autoscaling-node';
import { createAutoscalingService } from './service/createAutoscalingService';

/**
 * The autoscaling backend plugin: wires Backstage services into the store, the API,
 * the scheduler and the actuators. Everything else is a class or a function with its
 * dependencies passed in (see service/createAutoscalingService.ts).
 */
export const autoscalingPlugin = createBackendPlugin({
  pluginId: 'autoscaling',
  register(env) {
    const extraMetricSources: MetricSource[] = [];
    env.registerExtensionPoint(autoscalingMetricSourcesExtensionPoint, {
      addMetricSource(source) {
        extraMetricSources.push(source);
      },
    });
    const actuationTargets: ActuationTarget[] = [];
    env.registerExtensionPoint(autoscalingActuationTargetsExtensionPoint, {
      addActuationTarget(target) {
        actuationTargets.push(target);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        cache: coreServices.cache,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { router } = await createAutoscalingService({
          ...deps,
          extraMetricSources,
          actuationTargets,
        });
        deps.httpRouter.use(router);
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
