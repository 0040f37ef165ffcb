import { useApi } from '@backstage/core-plugin-api';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { MetricSourceDryRunRequest } from '@internal/plugin-autoscaling-common';
import { autoscalingApiRef } from '../api';
import { queryKeys } from './queryKeys';

/** The metric sources the backend's modules added, for the policy form's picker. */
export function useMetricSources(entityRef: string | undefined) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.metricSources(entityRef ?? ''),
    queryFn: () => api.getMetricSources(entityRef!),
    enabled: Boolean(entityRef),
    staleTime: 60_000,
    retry: false,
  });
}

/** A dry run of a query on a source for a workload of the entity. */
export function useMetricDryRun() {
  const api = useApi(autoscalingApiRef);
  return useMutation({
    mutationFn: (body: MetricSourceDryRunRequest) =>
      api.dryRunMetricQuery(body),
  });
}
