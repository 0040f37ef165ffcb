import { useApi } from '@backstage/core-plugin-api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  PolicyLevel,
  PolicyOverride,
} from '@internal/plugin-autoscaling-common';
import { autoscalingApiRef } from '../api';
import { queryKeys } from './queryKeys';

export function useEffectivePolicy(entityRef: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.effectivePolicy(entityRef),
    queryFn: () => api.getEffectivePolicy(entityRef),
  });
}

export function usePolicyDocument(level: PolicyLevel, name: string) {
  const api = useApi(autoscalingApiRef);
  return useQuery({
    queryKey: queryKeys.policy(level, name),
    queryFn: () => api.getPolicy(level, name),
  });
}

export function useValidatePolicy(level: PolicyLevel, name: string) {
  const api = useApi(autoscalingApiRef);
  return useMutation({
    mutationFn: (override: PolicyOverride) =>
      api.validatePolicy(level, name, override),
  });
}

export function useUpdatePolicy(level: PolicyLevel, name: string) {
  const api = useApi(autoscalingApiRef);
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      override: PolicyOverride;
      version: number;
      reason: string;
    }) => api.updatePolicy(level, name, body),
    onSettled: () => {
      client.invalidateQueries({ queryKey: queryKeys.policies });
      client.invalidateQueries({
        queryKey: ['autoscaling', 'change-requests'],
      });
    },
  });
}
