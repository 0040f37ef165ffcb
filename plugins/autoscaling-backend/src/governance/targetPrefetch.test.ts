/**
 * Batched catalog lookups (issue 19): a tick resolves every workload's entity; the resolver
 * looks the uncached ones up with `getEntitiesByRefs`, 1,000 refs a call, and then answers
 * `resolve` from its cache, so an expired cache costs a few catalog calls, not one per entity.
 */
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogTargetResolver } from './targets';

const component = (i: number): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `svc-${i}`, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/a' },
});

function countingCatalog(entities: Entity[]) {
  const catalog = catalogServiceMock({ entities });
  const calls = { byRef: 0, byRefs: 0, refsAsked: 0 };
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
  catalog.getEntityByRef = (async (
    ...args: Parameters<typeof getEntityByRef>
  ) => {
    calls.byRef += 1;
    return getEntityByRef(...args);
  }) as typeof catalog.getEntityByRef;
  catalog.getEntitiesByRefs = (async (
    ...args: Parameters<typeof getEntitiesByRefs>
  ) => {
    calls.byRefs += 1;
    calls.refsAsked += args[0].entityRefs.length;
    return getEntitiesByRefs(...args);
  }) as typeof catalog.getEntitiesByRefs;
  return { catalog, calls };
}

describe('CatalogTargetResolver.prefetch', () => {
  it('looks up 2,500 uncached entities in three calls, then resolves them from its cache', async () => {
    const entities = Array.from({ length: 2_500 }, (_, i) => component(i));
    const { catalog, calls } = countingCatalog(entities);
    let now = Date.parse('2026-12-03T12:00:00Z');
    const resolver = new CatalogTargetResolver({
      catalog,
      auth: mockServices.auth(),
      clock: () => new Date(now),
    });
    const refs = entities.map((_, i) => `component:default/svc-${i}`);
    // A missing entity is remembered as missing; a malformed ref is left to resolve().
    await resolver.prefetch([...refs, 'component:default/gone', 'not a ref']);
    expect(calls).toEqual({ byRef: 0, byRefs: 3, refsAsked: 2_501 });

    const resolved = await resolver.resolve('Component:default/svc-7');
    expect(resolved?.target.entityRef).toBe('component:default/svc-7');
    // Only its tenant's Group (not prefetched) was looked up on its own, once.
    expect(calls.byRef).toBe(1);
    await resolver.resolve('component:default/svc-8');
    expect(await resolver.resolve('component:default/gone')).toBeUndefined();
    expect(calls.byRef).toBe(1);

    // Cached refs are not asked again; once expired (30 s), they are.
    await resolver.prefetch(refs.slice(0, 10));
    expect(calls.byRefs).toBe(3);
    now += 31_000;
    await resolver.prefetch(refs.slice(0, 10));
    expect(calls).toMatchObject({ byRefs: 4, refsAsked: 2_511 });
  });
});
