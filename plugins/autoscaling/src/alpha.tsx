import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  TENANT_TIER_ANNOTATION,
} from '@internal/plugin-autoscaling-common';
import TrendingUpIcon from '@mui/icons-material/TrendingUp';
import { autoscalingApiRef, AutoscalingClient } from './api';
import { rootRouteRef } from './routes';

const autoscalingApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: autoscalingApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new AutoscalingClient(deps),
    }),
});

const autoscalingPage = PageBlueprint.make({
  params: {
    path: '/autoscaling',
    title: 'Autoscaling',
    icon: <TrendingUpIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/AutoscalingPage').then(m => <m.AutoscalingPage />),
  },
});

const autoscalingEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'autoscaling',
    title: 'Autoscaling',
    filter: {
      $any: [
        {
          [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: {
            $exists: true,
          },
        },
        {
          [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]: {
            $exists: true,
          },
        },
      ],
    } as any,
    loader: () =>
      import('./components/EntityAutoscalingContent').then(m => (
        <m.EntityAutoscalingContent />
      )),
  },
});

const tenantFilter = {
  kind: 'group',
  $any: [
    { 'spec.type': 'tenant' },
    { [`metadata.annotations.${TENANT_TIER_ANNOTATION}`]: { $exists: true } },
  ],
} as any;

const tenantEntityContent = EntityContentBlueprint.make({
  name: 'tenant',
  params: {
    path: 'autoscaling',
    title: 'Autoscaling',
    filter: tenantFilter,
    loader: () =>
      import('./components/TenantAutoscaling').then(m => (
        <m.EntityTenantAutoscalingContent />
      )),
  },
});

const tenantEntityCard = EntityCardBlueprint.make({
  name: 'tenant',
  params: {
    filter: tenantFilter,
    loader: () =>
      import('./components/TenantAutoscaling').then(m => (
        <m.EntityTenantAutoscalingCard />
      )),
  },
});

/** The autoscaling plugin for Backstage's new frontend system. */
export default createFrontendPlugin({
  pluginId: 'autoscaling',
  extensions: [
    autoscalingApi,
    autoscalingPage,
    autoscalingEntityContent,
    tenantEntityContent,
    tenantEntityCard,
  ],
  routes: convertLegacyRouteRefs({ root: rootRouteRef }),
});
