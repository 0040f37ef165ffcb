import { createApiRef } from '@backstage/core-plugin-api';
import type { HealthResponse } from '@internal/plugin-autoscaling-common';

/** Client of the autoscaling backend's REST API. */
export interface AutoscalingApi {
  getHealth(): Promise<HealthResponse>;
}

export const autoscalingApiRef = createApiRef<AutoscalingApi>({
  id: 'plugin.autoscaling.service',
});
