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

/** The Autoscaling tab of a tenant Group: services, totals against quota and budget, default policy. */
export const EntityTenantAutoscalingContent = autoscalingPlugin.provide(
  createComponentExtension({
    name: 'EntityTenantAutoscalingContent',
    component: {
      lazy: () =>
        import('./components/TenantAutoscaling').then(
          m => m.EntityTenantAutoscalingContent,
        ),
    },
  }),
);

/** The autoscaling card of a tenant Group's overview. */
export const EntityTenantAutoscalingCard = autoscalingPlugin.provide(
  createComponentExtension({
    name: 'EntityTenantAutoscalingCard',
    component: {
      lazy: () =>
        import('./components/TenantAutoscaling').then(
          m => m.EntityTenantAutoscalingCard,
        ),
    },
  }),
);
