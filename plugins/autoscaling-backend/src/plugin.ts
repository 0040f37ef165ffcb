import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';

/**
 * The autoscaling backend plugin: wires Backstage services into the store, the API,
 * the scheduler and the actuators. Everything else is a class or a function with its
 * dependencies passed in.
 */
export const autoscalingPlugin = createBackendPlugin({
  pluginId: 'autoscaling',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
      },
      async init({ logger, httpRouter }) {
        httpRouter.use(await createRouter({ logger }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
