import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import type { TargetPermissions } from '@internal/plugin-autoscaling-common';
import { autoscalingApiRef } from '../api';
import { queryKeys } from './queryKeys';
import { useCurrentUser } from './useCurrentUser';

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
  // Platform-wide actions (kill switch, audit) have no entity: ask about the user's own entity,
  // since the backend always wants a target.
  const currentUser = useCurrentUser();
  const target = entityRef ?? currentUser;
  const query = useQuery({
    queryKey: queryKeys.permissions(target),
    queryFn: () => api.getPermissions(target),
    enabled: Boolean(target),
    staleTime: 60_000,
  });
  return {
    permissions: query.data ?? NONE,
    loading: query.isPending,
    error: query.error,
  };
}
