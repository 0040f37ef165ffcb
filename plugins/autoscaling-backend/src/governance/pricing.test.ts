import { describePricing, replicaPricingOf } from './pricing';

describe('replicaPricingOf', () => {
  const pricing = {
    currency: 'EUR',
    replicaHourly: async (ref: string) =>
      ref === 'component:default/two' ? [0.02, 0.04] : [],
  };

  it("uses the service's own replica prices (their mean, with the count of workloads)", async () => {
    const priced = await replicaPricingOf(
      pricing,
      'component:default/two',
      0.05,
    );
    expect(priced).toMatchObject({
      currency: 'EUR',
      workloads: 2,
      source: 'prices',
    });
    expect(priced.replicaHourly).toBeCloseTo(0.03, 10);
    expect(describePricing(priced)).toBe(
      'at €0.03 per replica-hour, across 2 workloads',
    );
  });

  it('falls back to the configured price, in the catalog currency, and says so', async () => {
    const flat = await replicaPricingOf(
      pricing,
      'component:default/none',
      0.05,
    );
    expect(flat).toEqual({
      currency: 'EUR',
      replicaHourly: 0.05,
      workloads: 1,
      source: 'flat',
    });
    expect(describePricing(flat)).toBe(
      'at the configured estimate of €0.05 per replica-hour',
    );
    expect(await replicaPricingOf(undefined, null, 0.05)).toMatchObject({
      currency: 'USD',
      source: 'flat',
    });
  });
});
