/**
 * Frontend plugin of the autoscaling portal (legacy frontend system).
 * The new frontend system lives in `./alpha`.
 *
 * @packageDocumentation
 */
export {
  autoscalingPlugin,
  AutoscalingPage,
  EntityAutoscalingContent,
  EntityTenantAutoscalingCard,
  EntityTenantAutoscalingContent,
} from './plugin';
export { autoscalingApiRef, AutoscalingClient } from './api';
export type { AutoscalingApi, AuditQuery } from './api';
export { isAutoscalingAvailable } from '@internal/plugin-autoscaling-common';
export { isTenantGroup } from './lib/tenant';
