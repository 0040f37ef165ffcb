import { useApi } from '@backstage/core-plugin-api';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { autoscalingApiRef } from '../api';
import { queryKeys } from './queryKeys';

/** Manual scale and rollback; both refresh the entity's state afterwards. */
export function useWorkloadActions(workloadId: string) {
  const api = useApi(autoscalingApiRef);
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.all });
  const scale = useMutation({
    mutationFn: (body: { replicas: number; reason: string }) =>
      api.scaleWorkload(workloadId, body),
    onSuccess: refresh,
  });
  const rollback = useMutation({
    mutationFn: (body: { reason: string }) =>
      api.rollbackWorkload(workloadId, body),
    onSuccess: refresh,
  });
  return { scale, rollback };
}
