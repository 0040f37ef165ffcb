import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';

/** The signed-in user's entity ref (e.g. `user:default/pat`), or undefined while loading. */
export function useCurrentUser(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const query = useQuery({
    queryKey: ['autoscaling', 'identity'],
    queryFn: async () =>
      (await identityApi.getBackstageIdentity()).userEntityRef,
    staleTime: Infinity,
  });
  return query.data;
}
