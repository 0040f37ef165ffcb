/**
 * The request path's invalidation rule, end to end through the authorizer the routes use: a
 * service whose owner changes in the catalog stops being writable by the old owner once the
 * catalog lookup's lifetime (`targetCacheSeconds`) has passed, and not before; the cached
 * permission decision (CachedPermissions) does not extend it, because ownership is applied
 * to the catalog's view of the target after the decision.
 */
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { autoscalingPolicyUpdatePermission } from '@internal/plugin-autoscaling-common';
import {
  autoscalingTargetRules,
  createAutoscalingTargetConditionalDecision,
  autoscalingTargetConditions,
} from '@internal/plugin-autoscaling-node';
import { CatalogTargetResolver } from '../governance/targets';
import { CachedPermissions } from './CachedPermissions';
import { TargetAuthorizer } from './TargetAuthorizer';

const TARGET_CACHE_SECONDS = 30;

function service(owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout-api', namespace: 'default' },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

function setUp() {
  let now = Date.parse('2026-12-03T12:00:00Z');
  const entities = new Map<string, Entity>([
    ['component:default/checkout-api', service('group:default/payments')],
  ]);
  let catalogReads = 0;
  const catalog = {
    getEntityByRef: async (ref: string) => {
      catalogReads += 1;
      return entities.get(ref);
    },
  } as unknown as CatalogService;
  let policyCalls = 0;
  // The demo role policy's shape: owners may update, decided on the target by condition.
  const policy: PermissionsService = {
    authorize: async () => {
      throw new Error('not used');
    },
    authorizeConditional: async (requests, options) => {
      policyCalls += 1;
      const claims =
        (options.credentials.principal as any).userEntityRef ===
        'user:default/paula'
          ? ['user:default/paula', 'group:default/payments']
          : [];
      return requests.map(() =>
        createAutoscalingTargetConditionalDecision(
          autoscalingPolicyUpdatePermission,
          autoscalingTargetConditions.isServiceOwner({ claims }),
        ),
      ) as any;
    },
  };
  const registry = mockServices.permissionsRegistry.mock({
    getPermissionRuleset: (() => ({
      getRuleByName: (name: string) =>
        Object.values(autoscalingTargetRules).find(r => r.name === name)!,
    })) as any,
  });
  const authorizer = new TargetAuthorizer({
    permissions: new CachedPermissions(
      policy,
      CacheManager.fromConfig(new ConfigReader({})).forPlugin('autoscaling'),
      { clock: () => now },
    ),
    permissionsRegistry: registry,
    targets: new CatalogTargetResolver({
      catalog,
      auth: mockServices.auth(),
      cacheSeconds: TARGET_CACHE_SECONDS,
      clock: () => new Date(now),
    }),
  });
  return {
    canUpdate: () =>
      authorizer.isAllowedOnTarget(
        mockCredentials.user('user:default/paula'),
        autoscalingPolicyUpdatePermission,
        'component:default/checkout-api',
      ),
    reassign: (owner: string) =>
      entities.set('component:default/checkout-api', service(owner)),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    counts: () => ({ catalogReads, policyCalls }),
  };
}

describe('a revoked ownership on the request path', () => {
  it('takes effect when the catalog lookup expires (30 s), and repeated checks stay local', async () => {
    const t = setUp();
    expect(await t.canUpdate()).toBe(true);
    const first = t.counts();
    expect(first.policyCalls).toBe(1);
    for (let i = 0; i < 10; i++) expect(await t.canUpdate()).toBe(true);
    // Ten more checks ask neither the permission backend nor the catalog again.
    expect(t.counts()).toEqual(first);

    t.reassign('group:default/search');
    t.advance(TARGET_CACHE_SECONDS - 1);
    expect(await t.canUpdate()).toBe(true);
    t.advance(1);
    expect(await t.canUpdate()).toBe(false);
  });
});
