import { Navigate, Route } from 'react-router-dom';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  catalogPlugin,
} from '@backstage/plugin-catalog';
import { orgPlugin } from '@backstage/plugin-org';
import {
  SettingsLayout,
  UserSettingsPage,
} from '@backstage/plugin-user-settings';
import { AlertDisplay, OAuthRequestDialog } from '@backstage/core-components';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import {
  NotificationsPage,
  UserNotificationSettingsCard,
} from '@backstage/plugin-notifications';
import { SignalsDisplay } from '@backstage/plugin-signals';
import { AutoscalingPage } from '@internal/plugin-autoscaling';
import { apis } from './apis';
import { entityPage } from './components/catalog/EntityPage';
import { Root } from './components/Root';
import { DemoSignInPage } from './components/signin/DemoSignInPage';

const app = createApp({
  apis,
  bindRoutes({ bind }) {
    bind(orgPlugin.externalRoutes, {
      catalogIndex: catalogPlugin.routes.catalogIndex,
    });
  },
  components: {
    SignInPage: props => <DemoSignInPage {...props} />,
  },
});

/** Names of the autoscaling alert topics in the notification settings (README: alerts). */
const ALERT_TOPIC_NAMES: Record<string, string> = {
  'autoscaling-actuation-failed': 'Scaling failed',
  'autoscaling-circuit': 'Cluster circuit breaker',
  'autoscaling-capped': 'Held at a maximum, quota or budget',
  'autoscaling-budget-projected-80': 'Budget: projected at 80%',
  'autoscaling-budget-projected-100': 'Budget: projected at 100%',
  'autoscaling-budget-actual-80': 'Budget: spend at 80%',
  'autoscaling-budget-actual-100': 'Budget: spend at 100%',
  'autoscaling-forecast-anomaly': 'Forecast anomaly',
  'autoscaling-change-request-created': 'Change request waiting',
  'autoscaling-change-request-approved': 'Change request approved',
  'autoscaling-change-request-rejected': 'Change request rejected',
  'autoscaling-change-request-superseded': 'Change request superseded',
};

const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="catalog" />} />
    <Route path="/catalog" element={<CatalogIndexPage />} />
    <Route
      path="/catalog/:namespace/:kind/:name"
      element={<CatalogEntityPage />}
    >
      {entityPage}
    </Route>
    <Route path="/autoscaling" element={<AutoscalingPage />} />
    <Route path="/settings" element={<UserSettingsPage />}>
      {/* Which channels (portal, e-mail, webhook) each alert topic goes to, per user. */}
      <SettingsLayout.Route path="/notifications" title="Notifications">
        <UserNotificationSettingsCard
          originNames={{ 'plugin:autoscaling': 'Autoscaling' }}
          topicNames={ALERT_TOPIC_NAMES}
        />
      </SettingsLayout.Route>
    </Route>
    <Route path="/notifications" element={<NotificationsPage />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <AlertDisplay />
    <OAuthRequestDialog />
    <SignalsDisplay />
    <AppRouter>
      <Root>{routes}</Root>
    </AppRouter>
  </>,
);
