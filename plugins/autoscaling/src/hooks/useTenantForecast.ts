import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

/** The tenant's next 24 h of replicas and cost (`GET /tenants/:name/forecast`), polled. */
export function useTenantForecast(tenant: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: [...queryKeys.tenant(tenant), 'forecast'],
    queryFn: () => api.getTenantForecast(tenant),
    refetchInterval: POLL_INTERVAL_MS * 4,
  });
}
