import type { Entity } from '@backstage/catalog-model';
import {
  isTenantGroup,
  serviceEnvironmentOf,
  serviceTenantNameOf,
  tenantInfoOf,
} from './catalogModel';

const group = (annotations: Record<string, string>, type = 'team'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'acme', namespace: 'default', annotations },
  spec: { type, children: [] },
});
const component = (
  annotations: Record<string, string>,
  namespace = 'default',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api', namespace, annotations },
  spec: { type: 'service', owner: 'acme', lifecycle: 'production' },
});

describe('the catalog model the engine and governance share', () => {
  it('a tenant is a tenant-type Group or a Group with a tier; tier basic when missing or unknown', () => {
    expect(isTenantGroup(group({}, 'tenant'))).toBe(true);
    expect(isTenantGroup(group({ 'autoscaling.io/tier': 'premium' }))).toBe(
      true,
    );
    expect(isTenantGroup(group({}))).toBe(false);
    expect(isTenantGroup(component({ 'autoscaling.io/tier': 'premium' }))).toBe(
      false,
    );
    expect(tenantInfoOf(group({}, 'tenant')).tier).toBe('basic');
    expect(
      tenantInfoOf(group({ 'autoscaling.io/tier': 'gold' }, 'tenant')).tier,
    ).toBe('basic');
    expect(
      tenantInfoOf(group({ 'autoscaling.io/tier': 'enterprise' })).tier,
    ).toBe('enterprise');
  });

  it('reads quota and budget as non-negative numbers, else none', () => {
    const info = tenantInfoOf(
      group(
        {
          'autoscaling.io/replica-quota': '60',
          'autoscaling.io/monthly-budget': '-5',
        },
        'tenant',
      ),
    );
    expect(info).toEqual({
      name: 'acme',
      entityRef: 'group:default/acme',
      tier: 'basic',
      replicaQuota: 60,
      monthlyBudget: null,
    });
    expect(
      tenantInfoOf(group({ 'autoscaling.io/replica-quota': ' ' }, 'tenant'))
        .replicaQuota,
    ).toBeNull();
  });

  it("a service's tenant and environment: annotations, else its namespace and production", () => {
    expect(
      serviceTenantNameOf(component({ 'autoscaling.io/tenant': 'acme' })),
    ).toBe('acme');
    expect(serviceTenantNameOf(component({}, 'globex'))).toBe('globex');
    expect(
      serviceEnvironmentOf(
        component({ 'autoscaling.io/environment': 'staging' }),
      ),
    ).toBe('staging');
    expect(serviceEnvironmentOf(component({}))).toBe('production');
  });
});
