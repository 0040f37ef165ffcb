import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import { KUBERNETES_ID_ANNOTATION, KUBERNETES_LABEL_SELECTOR_ANNOTATION } from '@internal/plugin-autoscaling-common';
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
        { [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: { $exists: true } },
        { [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]: { $exists: true } },
      ],
    } as any,
    loader: () =>
      import('./components/EntityAutoscalingContent').then(m => (
        <m.EntityAutoscalingContent />
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
  ],
  routes: convertLegacyRouteRefs({ root: rootRouteRef }),
});
