/*
 * The permission matrix of the demo role policy: every demo user of catalog/org.yaml and the
 * guest, against catalog writes (issue 15 item 11) and cost reads (item 12). Conditional
 * decisions are applied to sample resources with the rules the catalog and the autoscaling
 * plugin register, as the permission backend's apply-conditions step would.
 */
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  createPermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  type PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { permissionRules as catalogRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  autoscalingCostReadPermission,
  autoscalingPolicyUpdatePermission,
  autoscalingStateReadPermission,
} from '@internal/plugin-autoscaling-common';
import {
  autoscalingTargetRules,
  type AutoscalingTarget,
} from '@internal/plugin-autoscaling-node';
import {
  AutoscalingRolePolicy,
  readRolePolicyOptions,
} from './permissionPolicy';

// The catalog's permissions, by name and shape (@backstage/plugin-catalog-common/alpha).
const entity = (
  name: string,
  action?: 'read' | 'create' | 'update' | 'delete',
) =>
  createPermission({
    name,
    attributes: action ? { action } : {},
    resourceType: 'catalog-entity',
  });
const basic = (
  name: string,
  action?: 'read' | 'create' | 'update' | 'delete',
) => createPermission({ name, attributes: action ? { action } : {} });

const catalogEntityRead = entity('catalog.entity.read', 'read');
const catalogEntityDelete = entity('catalog.entity.delete', 'delete');
const catalogEntityRefresh = entity('catalog.entity.refresh', 'update');
const catalogEntityCreate = basic('catalog.entity.create', 'create');
const catalogLocationRead = basic('catalog.location.read', 'read');
const catalogLocationCreate = basic('catalog.location.create', 'create');
const catalogLocationDelete = basic('catalog.location.delete', 'delete');
const catalogIngestionManage = basic('catalog.ingestion.manage', 'update');
const catalogLocationAnalyze = basic('catalog.location.analyze');
const catalogEntityValidate = basic('catalog.entity.validate');
// The Kubernetes plugin's permissions (@backstage/plugin-kubernetes-common).
const kubernetesProxy = basic('kubernetes.proxy');
const kubernetesResourcesRead = basic('kubernetes.resources.read', 'read');
const kubernetesClustersRead = basic('kubernetes.clusters.read', 'read');

/** Ownership refs as the catalog sign-in gives them: the user and their groups. */
const claims: Record<string, string[]> = {
  pat: ['user:default/pat', 'group:default/platform-team'],
  priya: ['user:default/priya', 'group:default/platform-team'],
  alice: ['user:default/alice', 'group:default/acme'],
  gina: ['user:default/gina', 'group:default/globex'],
  ivan: ['user:default/ivan', 'group:default/initech'],
  bob: ['user:default/bob', 'group:default/acme-checkout'],
  carol: ['user:default/carol', 'group:default/acme-web'],
  gus: ['user:default/gus', 'group:default/globex-finance'],
  irene: ['user:default/irene', 'group:default/initech-dev'],
  // The guest provider's default identity (no catalog user, owns nothing).
  guest: ['user:development/guest'],
};
const USERS = Object.keys(claims);
const PLATFORM = ['pat', 'priya'];

function userOf(name: string): PolicyQueryUser {
  const userEntityRef = claims[name][0];
  return {
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef },
    },
    info: { userEntityRef, ownershipEntityRefs: claims[name] },
  } as PolicyQueryUser;
}

const checkoutApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api', namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/acme-checkout',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/acme-checkout' }],
};
const acmeGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'acme', namespace: 'default' },
  spec: { type: 'tenant', children: [] },
};

/** acme's groups as the plugin resolves them from the catalog: acme and its teams (catalog/org.yaml). */
const acmeMembers = [
  'group:default/acme',
  'group:default/acme-checkout',
  'group:default/acme-web',
];
const acmeTarget: AutoscalingTarget = {
  entityRef: 'group:default/acme',
  kind: 'group',
  tenantRef: 'group:default/acme',
  tenantMemberRefs: acmeMembers,
};
const checkoutTarget: AutoscalingTarget = {
  entityRef: 'component:default/checkout-api',
  kind: 'component',
  tenantRef: 'group:default/acme',
  ownerRef: 'group:default/acme-checkout',
  tenantMemberRefs: acmeMembers,
};
const ledgerTarget: AutoscalingTarget = {
  entityRef: 'component:default/ledger-api',
  kind: 'component',
  tenantRef: 'group:default/globex',
  ownerRef: 'group:default/globex-finance',
  tenantMemberRefs: ['group:default/globex', 'group:default/globex-finance'],
};

const catalogAuthorizer = createConditionAuthorizer(
  Object.values(catalogRules) as any,
);
const targetAuthorizer = createConditionAuthorizer(
  Object.values(autoscalingTargetRules) as any,
);

/** ALLOW/DENY after applying a conditional decision to the resource. */
function applied(decision: PolicyDecision, resource?: unknown): boolean {
  if (decision.result !== AuthorizeResult.CONDITIONAL) {
    return decision.result === AuthorizeResult.ALLOW;
  }
  if (!resource) return false;
  const authorize =
    decision.resourceType === 'catalog-entity'
      ? catalogAuthorizer
      : targetAuthorizer;
  return authorize(decision as any, resource);
}

type Row = [string, Permission, unknown, string[]];

function allowedUsers(
  policy: AutoscalingRolePolicy,
  permission: Permission,
  resource: unknown,
) {
  return Promise.all(
    USERS.map(async user =>
      (await applied(
        await policy.handle({ permission }, userOf(user)),
        resource,
      ))
        ? user
        : undefined,
    ),
  ).then(users => users.filter((u): u is string => u !== undefined));
}

describe('AutoscalingRolePolicy permission matrix', () => {
  const policy = new AutoscalingRolePolicy(
    readRolePolicyOptions(new ConfigReader({})),
  );

  describe('catalog writes: owners and the platform team; guest nothing (issue 15 item 11)', () => {
    const rows: Row[] = [
      ['read an entity', catalogEntityRead, checkoutApi, USERS],
      ['read locations', catalogLocationRead, undefined, USERS],
      [
        'delete checkout-api',
        catalogEntityDelete,
        checkoutApi,
        [...PLATFORM, 'bob'],
      ],
      [
        'refresh checkout-api',
        catalogEntityRefresh,
        checkoutApi,
        [...PLATFORM, 'bob'],
      ],
      ['delete the acme group', catalogEntityDelete, acmeGroup, PLATFORM],
      ['create an entity', catalogEntityCreate, undefined, PLATFORM],
      ['register a location', catalogLocationCreate, undefined, PLATFORM],
      ['delete a location', catalogLocationDelete, undefined, PLATFORM],
      ['manage ingestion', catalogIngestionManage, undefined, PLATFORM],
      [
        'analyze a location',
        catalogLocationAnalyze,
        undefined,
        USERS.filter(u => u !== 'guest'),
      ],
      [
        'validate an entity',
        catalogEntityValidate,
        undefined,
        USERS.filter(u => u !== 'guest'),
      ],
    ];
    it.each(rows)('%s', async (_name, permission, resource, expected) => {
      expect(await allowedUsers(policy, permission, resource)).toEqual(
        expected,
      );
    });

    it('denies catalog writes to a request without a user', async () => {
      for (const permission of [
        catalogEntityDelete,
        catalogLocationCreate,
        catalogLocationDelete,
      ]) {
        expect((await policy.handle({ permission })).result).toBe(
          AuthorizeResult.DENY,
        );
      }
    });
  });

  describe('other plugins: Kubernetes reads for everyone, the Kubernetes proxy for the platform team only', () => {
    const rows: Row[] = [
      [
        'kubernetes proxy (any request to the API server)',
        kubernetesProxy,
        undefined,
        PLATFORM,
      ],
      ['kubernetes resources read', kubernetesResourcesRead, undefined, USERS],
      ['kubernetes clusters read', kubernetesClustersRead, undefined, USERS],
    ];
    it.each(rows)('%s', async (_name, permission, resource, expected) => {
      expect(await allowedUsers(policy, permission, resource)).toEqual(
        expected,
      );
    });

    it('denies the proxy to a request without a user', async () => {
      expect(
        (await policy.handle({ permission: kubernetesProxy })).result,
      ).toBe(AuthorizeResult.DENY);
    });
  });

  describe('cost reads: tenant members (through their teams too), service owners and the platform team (issue 15 item 12)', () => {
    const rows: Row[] = [
      // bob (acme-checkout) and carol (acme-web) are members of acme through their teams.
      [
        'acme cost and budget',
        autoscalingCostReadPermission,
        acmeTarget,
        [...PLATFORM, 'alice', 'bob', 'carol'],
      ],
      [
        'checkout-api cost',
        autoscalingCostReadPermission,
        checkoutTarget,
        [...PLATFORM, 'alice', 'bob', 'carol'],
      ],
      [
        'ledger-api cost',
        autoscalingCostReadPermission,
        ledgerTarget,
        [...PLATFORM, 'gina', 'gus'],
      ],
      // Without the resolved hierarchy, only the tenant Group's own members.
      [
        'acme cost, no hierarchy known',
        autoscalingCostReadPermission,
        { ...acmeTarget, tenantMemberRefs: undefined },
        [...PLATFORM, 'alice'],
      ],
      // Membership reads; administering the tenant stays with the tenant Group's members.
      [
        'acme tenant policy update',
        autoscalingPolicyUpdatePermission,
        acmeTarget,
        [...PLATFORM, 'alice'],
      ],
      [
        'checkout-api policy update',
        autoscalingPolicyUpdatePermission,
        checkoutTarget,
        [...PLATFORM, 'alice', 'bob'],
      ],
      // Scaling state stays readable to everyone signed in, as before.
      ['scaling state', autoscalingStateReadPermission, undefined, USERS],
    ];
    it.each(rows)('%s', async (_name, permission, resource, expected) => {
      expect(await allowedUsers(policy, permission, resource)).toEqual(
        expected,
      );
    });

    it('follows autoscaling.governance.costReadScope', async () => {
      const scoped = (costReadScope: string) =>
        new AutoscalingRolePolicy(
          readRolePolicyOptions(
            new ConfigReader({
              autoscaling: { governance: { costReadScope } },
            }),
          ),
        );
      expect(
        await allowedUsers(
          scoped('platform'),
          autoscalingCostReadPermission,
          checkoutTarget,
        ),
      ).toEqual(PLATFORM);
      expect(
        await allowedUsers(
          scoped('all-users'),
          autoscalingCostReadPermission,
          acmeTarget,
        ),
      ).toEqual(USERS.filter(u => u !== 'guest'));
      expect(() => scoped('everybody')).toThrow(/costReadScope/);
    });
  });
});
