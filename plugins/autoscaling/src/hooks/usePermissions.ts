import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import type { TargetPermissions } from '@internal/plugin-autoscaling-common';
import { autoscalingApiRef } from '../api';
import { queryKeys } from './queryKeys';

const NONE: TargetPermissions = {
  canEditPolicy: false,
  canScale: false,
  canApprove: false,
  canAdminister: false,
  canReadAudit: false,
};

/**
 * What the signed-in user may do on a target. While loading, or when the check fails,
 * everything is treated as not permitted so nothing is offered that the backend would refuse.
 */
export function usePermissions(entityRef?: string) {
  const api = useApi(autoscalingApiRef);
  const query = useQuery({
    queryKey: queryKeys.permissions(entityRef),
    queryFn: () => api.getPermissions(entityRef),
    staleTime: 60_000,
  });
  return {
    permissions: query.data ?? NONE,
    loading: query.isPending,
    error: query.error,
  };
}
