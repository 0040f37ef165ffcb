import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

/** The tenant's last `hours` of replicas and spend (`GET /tenants/:name/trends`), polled. */
export function useTenantTrends(tenant: string, hours = 24) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: [...queryKeys.tenant(tenant), 'trends', hours],
    queryFn: () => api.getTenantTrends(tenant, hours),
    refetchInterval: POLL_INTERVAL_MS * 4,
  });
}
