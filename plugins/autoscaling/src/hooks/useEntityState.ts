import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

/** The scaling state of an entity's workloads, refreshed every 15 s. */
export function useEntityState(entityRef: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.entityState(entityRef),
    queryFn: () => api.getEntityState(entityRef),
    refetchInterval: POLL_INTERVAL_MS,
  });
}
