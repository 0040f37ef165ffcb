import type { Entity } from '@backstage/catalog-model';

const tenant = (
  name: string,
  tier: string,
  quota: string,
  budget: string,
  members: string[],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'autoscaling.io/tier': tier,
      'autoscaling.io/replica-quota': quota,
      'autoscaling.io/monthly-budget': budget,
    },
  },
  spec: { type: 'tenant', children: [], members },
});

const team = (name: string, parent: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', parent, children: [] },
});

const service = (
  name: string,
  tenantName: string,
  environment: string,
  owner: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': name,
      'autoscaling.io/tenant': tenantName,
      'autoscaling.io/environment': environment,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: `group:default/${owner}`,
  },
});

/**
 * The `parentOf`/`childOf` relations the catalog's processor derives from `spec.parent`
 * (the catalog mock derives none), so the group hierarchy reads as in a real catalog.
 */
function withHierarchyRelations(entities: Entity[]): Entity[] {
  const refOf = (name: string) => `group:default/${name}`;
  const children = new Map<string, string[]>();
  for (const e of entities) {
    const parent = (e.spec as any)?.parent;
    if (e.kind === 'Group' && typeof parent === 'string') {
      children.set(parent, [...(children.get(parent) ?? []), e.metadata.name]);
    }
  }
  return entities.map(e => {
    if (e.kind !== 'Group') return e;
    const parent = (e.spec as any)?.parent;
    const relations = [
      ...(typeof parent === 'string'
        ? [{ type: 'childOf', targetRef: refOf(parent) }]
        : []),
      ...(children.get(e.metadata.name) ?? []).map(c => ({
        type: 'parentOf',
        targetRef: refOf(c),
      })),
    ];
    return relations.length ? { ...e, relations } : e;
  });
}

/** The demo organisation in small: three tenants, their teams and services. */
export const testEntities: Entity[] = withHierarchyRelations([
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team', namespace: 'default' },
    spec: { type: 'team', children: [], members: ['pat', 'priya'] },
  },
  tenant('acme', 'enterprise', '60', '9000', ['alice']),
  tenant('globex', 'premium', '30', '4000', ['gina']),
  tenant('initech', 'basic', '12', '1200', ['ivan']),
  team('acme-checkout', 'acme'),
  team('globex-finance', 'globex'),
  service('checkout-api', 'acme', 'production', 'acme-checkout'),
  service('catalog-search', 'acme', 'staging', 'acme-checkout'),
  service('ledger-api', 'globex', 'production', 'globex-finance'),
  service('tps-reports', 'initech', 'staging', 'initech-dev'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders', namespace: 'default' },
    spec: { type: 'openapi', owner: 'group:default/acme-checkout' },
  },
]);

/** Ownership refs (what userInfo would return) of the demo users. */
export const ownership: Record<string, string[]> = {
  'user:default/pat': ['user:default/pat', 'group:default/platform-team'],
  'user:default/priya': ['user:default/priya', 'group:default/platform-team'],
  'user:default/alice': ['user:default/alice', 'group:default/acme'],
  'user:default/gina': ['user:default/gina', 'group:default/globex'],
  'user:default/bob': ['user:default/bob', 'group:default/acme-checkout'],
  'user:default/gus': ['user:default/gus', 'group:default/globex-finance'],
  'user:default/eve': ['user:default/eve'],
};

export const CHECKOUT = 'component:default/checkout-api';
export const CATALOG_SEARCH = 'component:default/catalog-search';
export const LEDGER = 'component:default/ledger-api';
