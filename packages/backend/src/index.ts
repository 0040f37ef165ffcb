/*
 * The demo backend of the autoscaling portal: catalog, auth (with a demo sign-in), the
 * permission framework with the autoscaling role policy, events, notifications and signals, the official
 * Kubernetes plugin, and the autoscaling plugin itself.
 */
import { createBackend } from '@backstage/backend-defaults';
import { autoscalingModulePrometheusMetricSource } from '@internal/plugin-autoscaling-backend';
import { demoAuthModule } from './modules/demoAuthProvider';
import { autoscalingPermissionPolicyModule } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(demoAuthModule);

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(autoscalingPermissionPolicyModule);

backend.add(import('@backstage/plugin-kubernetes-backend'));

// The events bus: signals and notifications publish and subscribe through it, so the bell updates
// live (without it they log "events backend not found").
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
// Notification channels beside the portal's bell, chosen per topic in each user's settings
// (notifications.defaultSettings sets the defaults): e-mail (notifications.processors.email) and
// a signed webhook (notifications.processors.webhook; README: alerts).
backend.add(import('@backstage/plugin-notifications-backend-module-email'));
backend.add(import('@internal/plugin-notifications-backend-module-webhook'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@internal/plugin-autoscaling-backend'));
// Metric sources are backend modules on the plugin's extension point, each reading its
// entries of autoscaling.metricSources[] (README: metric sources).
backend.add(autoscalingModulePrometheusMetricSource);
backend.add(import('@internal/plugin-autoscaling-backend-module-influxdb'));
// Docker hosts of autoscaling.dockerHosts[] as targets beside the clusters (Compose services).
backend.add(
  import('@internal/plugin-autoscaling-backend-module-docker-compose'),
);

backend.start();
