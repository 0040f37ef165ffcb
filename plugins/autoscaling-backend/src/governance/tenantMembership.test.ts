/**
 * Tenant membership through the group hierarchy (issue 15, tenant page): a member of a team
 * below a tenant Group is a member of the tenant and reads its cost and budget; administering
 * the tenant (its policy) stays with the tenant Group's own members.
 */
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  autoscalingTargetConditions,
  autoscalingTargetRules,
  type AutoscalingTarget,
} from '@internal/plugin-autoscaling-node';
import { CatalogTargetResolver } from './targets';

const group = (
  name: string,
  spec: Record<string, unknown>,
  relations: Array<[string, string]> = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { children: [], ...spec },
  relations: relations.map(([type, target]) => ({
    type,
    targetRef: `group:default/${target}`,
  })),
});

// acme ─ acme-shop (relation) ─ acme-payments (relation) ─ acme-fraud (spec.children only)
// acme-loop points back at acme (a cycle); globex is another tenant.
const entities: Entity[] = [
  group('acme', { type: 'tenant' }, [
    ['parentOf', 'acme-shop'],
    ['parentOf', 'acme-loop'],
  ]),
  group('acme-shop', { type: 'team', parent: 'acme' }, [
    ['childOf', 'acme'],
    ['parentOf', 'acme-payments'],
  ]),
  group(
    'acme-payments',
    { type: 'team', parent: 'acme-shop', children: ['acme-fraud'] },
    [['childOf', 'acme-shop']],
  ),
  group('acme-fraud', { type: 'team', parent: 'acme-payments' }),
  group('acme-loop', { type: 'team', parent: 'acme' }, [
    ['childOf', 'acme'],
    ['parentOf', 'acme'],
  ]),
  group('globex', { type: 'tenant' }, [['parentOf', 'globex-finance']]),
  group('globex-finance', { type: 'team', parent: 'globex' }, [
    ['childOf', 'globex'],
  ]),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'shop-api',
      namespace: 'default',
      annotations: { 'autoscaling.io/tenant': 'acme' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/acme-payments',
    },
  },
];

const resolver = new CatalogTargetResolver({
  catalog: catalogServiceMock({ entities }),
  auth: mockServices.auth(),
});
const authorize = createConditionAuthorizer(
  Object.values(autoscalingTargetRules) as any,
);

/** Whether a user with these claims passes the rule's condition on the target. */
function passes(
  rule: 'isTenantMember' | 'isTenantAdmin',
  claims: string[],
  target: AutoscalingTarget,
) {
  const condition = autoscalingTargetConditions[rule]({ claims });
  return authorize(
    {
      result: 'CONDITIONAL',
      pluginId: 'autoscaling',
      resourceType: 'autoscaling-target',
      conditions: condition,
    } as any,
    target,
  );
}

describe('tenant membership through the group hierarchy', () => {
  it('lists the tenant Group and every group below it, from parentOf relations and spec.children, once each despite a cycle', async () => {
    const acme = await resolver.resolve('group:default/acme');
    expect(acme?.target.tenantMemberRefs?.sort()).toEqual(
      ['acme', 'acme-fraud', 'acme-loop', 'acme-payments', 'acme-shop'].map(
        n => `group:default/${n}`,
      ),
    );
    const shop = await resolver.resolve('component:default/shop-api');
    expect(shop?.target.tenantMemberRefs?.sort()).toEqual(
      acme?.target.tenantMemberRefs?.sort(),
    );
    // A team is not a tenant: no members of its own.
    expect(
      (await resolver.resolve('group:default/acme-shop'))?.target
        .tenantMemberRefs,
    ).toBeUndefined();
  });

  it.each([
    ['a member of the tenant Group', 'acme', true],
    ['a member of a team of the tenant', 'acme-shop', true],
    ['a member of a team two levels below', 'acme-payments', true],
    [
      'a member of a team three levels below (spec.children)',
      'acme-fraud',
      true,
    ],
    ['a member of another tenant', 'globex', false],
    ["a member of another tenant's team", 'globex-finance', false],
  ])('%s (%s): member of acme %p', async (_who, groupName, member) => {
    const claims = ['user:default/someone', `group:default/${groupName}`];
    const acme = (await resolver.resolve('group:default/acme'))!.target;
    const shop = (await resolver.resolve('component:default/shop-api'))!.target;
    expect(passes('isTenantMember', claims, acme)).toBe(member);
    expect(passes('isTenantMember', claims, shop)).toBe(member);
  });

  it('administering the tenant stays with the members of the tenant Group itself', async () => {
    const acme = (await resolver.resolve('group:default/acme'))!.target;
    expect(passes('isTenantAdmin', ['group:default/acme'], acme)).toBe(true);
    expect(passes('isTenantAdmin', ['group:default/acme-shop'], acme)).toBe(
      false,
    );
  });

  it('a target without member refs (resolved elsewhere) falls back to the tenant Group', () => {
    const target: AutoscalingTarget = {
      entityRef: 'group:default/acme',
      kind: 'group',
      tenantRef: 'group:default/acme',
    };
    expect(passes('isTenantMember', ['group:default/acme'], target)).toBe(true);
    expect(passes('isTenantMember', ['group:default/acme-shop'], target)).toBe(
      false,
    );
  });
});
