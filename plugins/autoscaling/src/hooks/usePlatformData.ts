import { useApi } from '@backstage/core-plugin-api';
import {
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  ChangeRequest,
  ChangeRequestStatus,
} from '@internal/plugin-autoscaling-common';
import { AuditQuery, autoscalingApiRef } from '../api';
import { POLL_INTERVAL_MS, queryKeys } from './queryKeys';

export function useEngineStatus() {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.engineStatus,
    queryFn: () => api.getEngineStatus(),
    refetchInterval: POLL_INTERVAL_MS,
  });
}

/**
 * The global kill switch, for the pages owners look at: its state when known, null while
 * loading or when the engine status cannot be read (nothing is claimed then).
 */
export function useKillSwitchState() {
  return useEngineStatus().data?.killSwitch ?? null;
}

export function useFleetWorkloads() {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.workloads,
    queryFn: () => api.getWorkloads(),
    refetchInterval: POLL_INTERVAL_MS,
  });
}

export function useClusterCosts() {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.clusterCosts,
    queryFn: () => api.getClusterCosts(),
    refetchInterval: POLL_INTERVAL_MS,
  });
}

export function useChangeRequests(status?: ChangeRequestStatus) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.changeRequests(status),
    queryFn: () => api.getChangeRequests(status),
    refetchInterval: POLL_INTERVAL_MS,
  });
}

/** `level/name` of a change request's target, the key of `useCurrentPolicyVersions`. */
export const targetKey = (target: ChangeRequest['target']) =>
  `${target.level}/${target.name}`;

/**
 * The current version of each pending request's policy document, by `targetKey`, so stale
 * requests (made against an older version) are marked before anyone clicks. A document that
 * cannot be read is absent (nothing is claimed about it).
 */
export function useCurrentPolicyVersions(
  requests: ChangeRequest[] | undefined,
): Map<string, number> {
  const api = useApi(autoscalingApiRef);
  const targets = new Map<string, ChangeRequest['target']>();
  for (const r of requests ?? []) {
    if (r.status === 'pending') targets.set(targetKey(r.target), r.target);
  }
  const sorted = [...targets.entries()].sort(([a], [b]) => a.localeCompare(b));
  const results = useQueries({
    queries: sorted.map(([, target]) => ({
      queryKey: queryKeys.policy(target.level, target.name),
      queryFn: () => api.getPolicy(target.level, target.name),
      refetchInterval: POLL_INTERVAL_MS,
    })),
  });
  const versions = new Map<string, number>();
  results.forEach((result, i) => {
    if (result.data) versions.set(sorted[i][0], result.data.version);
  });
  return versions;
}

export function useDecideChangeRequest() {
  const api = useApi(autoscalingApiRef);
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      decision,
      comment,
    }: {
      id: string;
      decision: 'approve' | 'reject';
      comment: string;
    }) =>
      decision === 'approve'
        ? api.approveChangeRequest(id, comment)
        : api.rejectChangeRequest(id, comment),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.all }),
  });
}

export function useKillSwitch() {
  const api = useApi(autoscalingApiRef);
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { enabled: boolean; reason: string }) =>
      api.setKillSwitch(body),
    onSettled: () =>
      client.invalidateQueries({ queryKey: queryKeys.engineStatus }),
  });
}

export function useAuditEvents(filter: AuditQuery, enabled = true) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.audit(filter),
    queryFn: () => api.getAuditEvents(filter),
    enabled,
  });
}

export function useAuditVerification(enabled = true) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.auditVerify,
    queryFn: () => api.verifyAudit(),
    enabled,
  });
}
