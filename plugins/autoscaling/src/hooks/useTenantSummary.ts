import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

export function useTenantSummary(tenant: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.tenant(tenant),
    queryFn: () => api.getTenantSummary(tenant),
    refetchInterval: POLL_INTERVAL_MS,
  });
}
