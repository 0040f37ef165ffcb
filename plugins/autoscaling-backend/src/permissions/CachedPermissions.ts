/**
 * Permission decisions cached per principal for a few seconds, so that the read routes do not
 * ask the permission backend over HTTP on every request (a service page polls several routes).
 *
 * What is cached: a decision for one permission without a resource ref (basic permissions, and
 * the conditional decision of a resource permission, whose conditions are then applied here to
 * the catalog's current view of the target). Requests naming a resource ref, batches of several
 * permissions, and principals that are neither users nor services go straight through.
 *
 * Invalidation: none but time. A permission taken away in the policy, or a group membership
 * carried in a new token, takes effect within `ttlMs` (default 10 s): no decision older than
 * that is served. A decision past half its lifetime is still served, and asked again in the
 * background, so a busy principal's requests do not all wait for the permission backend each
 * time an entry expires (refresh-ahead). Ownership and tenant
 * membership of a *target* are not part of the cached decision: they come from the catalog
 * lookup (`autoscaling.governance.targetCacheSeconds`), so a revoked ownership takes effect
 * within that lookup's lifetime.
 */
import type {
  BackstageCredentials,
  CacheService,
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import type {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  QueryPermissionRequest,
  QueryPermissionResponse,
} from '@backstage/plugin-permission-common';

export const DEFAULT_DECISION_CACHE_MS = 10_000;

interface CachedDecision<T> {
  /** When the decision was made (the injected clock), so a test clock can expire it. */
  at: number;
  decision: T;
}

/** One principal's cache key, or undefined for principals that are not cached. */
export function principalKeyOf(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal?.type === 'user' && principal.userEntityRef) {
    return `user:${principal.userEntityRef}`;
  }
  if (principal?.type === 'service' && principal.subject) {
    return `service:${principal.subject}`;
  }
  return undefined;
}

export class CachedPermissions implements PermissionsService {
  /** Decisions being fetched, so a burst of requests asks the permission backend once. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  /** Age from which a hit is refreshed in the background (half the TTL). */
  private readonly refreshAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: PermissionsService,
    private readonly cache: CacheService,
    options: { ttlMs?: number; clock?: () => number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_DECISION_CACHE_MS;
    this.refreshAfterMs = this.ttlMs / 2;
    this.now = options.clock ?? Date.now;
  }

  authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    const key = this.keyOf('authorize', requests, options);
    if (!key) return this.inner.authorize(requests, options);
    return this.cached(key, () => this.inner.authorize(requests, options));
  }

  authorizeConditional(
    requests: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<QueryPermissionResponse[]> {
    const key = this.keyOf('conditional', requests, options);
    if (!key) return this.inner.authorizeConditional(requests, options);
    return this.cached(key, () =>
      this.inner.authorizeConditional(requests, options),
    );
  }

  private keyOf(
    method: string,
    requests: Array<{ permission: { name: string }; resourceRef?: string }>,
    options: PermissionsServiceRequestOptions,
  ): string | undefined {
    if (this.ttlMs <= 0 || requests.length !== 1) return undefined;
    if (requests[0].resourceRef !== undefined) return undefined;
    const principal = principalKeyOf(options.credentials);
    if (!principal) return undefined;
    return `decision:${method}:${principal}:${requests[0].permission.name}`;
  }

  private async cached<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const hit = (await this.cache.get<any>(key)) as
      | CachedDecision<T>
      | undefined;
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < this.ttlMs) {
      if (age >= this.refreshAfterMs) {
        // A failed refresh leaves the entry to expire at its TTL.
        this.fetchOnce(key, fetch).catch(() => undefined);
      }
      return hit.decision;
    }
    return this.fetchOnce(key, fetch);
  }

  /** Asks the permission backend, once for all concurrent callers of one key. */
  private fetchOnce<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const at = this.now();
    const request = fetch()
      .then(async decision => {
        const entry: CachedDecision<T> = { at, decision };
        await this.cache.set(key, entry as any, { ttl: this.ttlMs });
        return decision;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }
}
