import { useApi } from '@backstage/core-plugin-api';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { WorkloadSummary } from '@internal/plugin-autoscaling-common';
import { clampOf, type Clamp } from '../lib/clamp';
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

/**
 * The clamp of each workload's last decision, by workload id, for tables of workloads (the
 * summaries carry no decision): one entity-state request per entity, shared with the service
 * pages' cache. Workloads whose state has not loaded (or failed) are simply absent.
 */
export function useWorkloadClamps(
  workloads: Array<Pick<WorkloadSummary, 'entityRef'>>,
): Map<string, Clamp> {
  const api = useApi(autoscalingApiRef);
  const entityRefs = [...new Set(workloads.map(w => w.entityRef))].sort();
  const results = useQueries({
    queries: entityRefs.map(entityRef => ({
      queryKey: queryKeys.entityState(entityRef),
      queryFn: () => api.getEntityState(entityRef),
      refetchInterval: POLL_INTERVAL_MS,
    })),
  });
  const clamps = new Map<string, Clamp>();
  for (const result of results) {
    for (const w of result.data?.workloads ?? []) {
      const clamp = clampOf(w.lastDecision);
      if (clamp?.holdsBack) clamps.set(w.id, clamp);
    }
  }
  return clamps;
}
