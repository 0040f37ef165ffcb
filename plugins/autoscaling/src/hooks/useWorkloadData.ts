import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

/** History of the last 24 h (replicas, demand and decisions), polled. */
export function useWorkloadHistory(workloadId: string, hours = 24) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: [...queryKeys.workload(workloadId, 'history'), hours],
    queryFn: () => api.getWorkloadHistory(workloadId, hours),
    refetchInterval: POLL_INTERVAL_MS,
  });
}

export function useWorkloadForecast(workloadId: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.workload(workloadId, 'forecast'),
    queryFn: () => api.getWorkloadForecast(workloadId),
    refetchInterval: POLL_INTERVAL_MS * 4,
  });
}

export function useWorkloadRecommendations(workloadId: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.workload(workloadId, 'recommendations'),
    queryFn: () => api.getWorkloadRecommendations(workloadId),
    refetchInterval: POLL_INTERVAL_MS * 4,
  });
}

export function useWorkloadCost(workloadId: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.workload(workloadId, 'cost'),
    queryFn: () => api.getWorkloadCost(workloadId),
    refetchInterval: POLL_INTERVAL_MS * 4,
  });
}
