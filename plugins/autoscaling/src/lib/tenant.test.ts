import { isTenantGroup } from './tenant';

describe('isTenantGroup', () => {
  it('accepts groups of type tenant or with a tier annotation', () => {
    expect(
      isTenantGroup({
        kind: 'Group',
        metadata: { name: 'acme' },
        spec: { type: 'tenant' },
      }),
    ).toBe(true);
    expect(
      isTenantGroup({
        kind: 'Group',
        metadata: {
          name: 'x',
          annotations: { 'autoscaling.io/tier': 'basic' },
        },
        spec: { type: 'team' },
      }),
    ).toBe(true);
    expect(
      isTenantGroup({
        kind: 'Group',
        metadata: { name: 'team' },
        spec: { type: 'team' },
      }),
    ).toBe(false);
    expect(
      isTenantGroup({
        kind: 'Component',
        metadata: { name: 'c' },
        spec: { type: 'tenant' },
      }),
    ).toBe(false);
  });
});
