import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  createComponentExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { autoscalingApiRef, AutoscalingClient } from './api';
import { rootRouteRef } from './routes';

/** The autoscaling frontend plugin (legacy frontend system). */
export const autoscalingPlugin = createPlugin({
  id: 'autoscaling',
  apis: [
    createApiFactory({
      api: autoscalingApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new AutoscalingClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The platform team's page: fleet, approvals, kill switch, audit. */
export const AutoscalingPage = autoscalingPlugin.provide(
  createRoutableExtension({
    name: 'AutoscalingPage',
    component: () =>
      import('./components/AutoscalingPage').then(m => m.AutoscalingPage),
    mountPoint: rootRouteRef,
  }),
);

/** The Autoscaling tab of a Component's entity page. */
export const EntityAutoscalingContent = autoscalingPlugin.provide(
  createComponentExtension({
    name: 'EntityAutoscalingContent',
    component: {
      lazy: () =>
        import('./components/EntityAutoscalingContent').then(
          m => m.EntityAutoscalingContent,
        ),
    },
  }),
);
