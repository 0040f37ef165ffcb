import {
  DEFAULT_PRICE_CATALOG,
  lookupClusterPrice,
  lookupPrice,
  OPENCOST_DEFAULT_PRICES,
  priceCatalogSchema,
  type PriceCatalog,
} from './prices';

const catalog: PriceCatalog = priceCatalogSchema.parse({
  currency: 'EUR',
  entries: [
    {
      cloud: 'aws',
      region: 'eu-west-1',
      family: 'm6i',
      cpuCoreHour: { onDemand: 0.035, spot: 0.012 },
      memoryGiBHour: { onDemand: 0.0047, spot: 0.0016 },
    },
    {
      cloud: 'aws',
      region: 'eu-west-1',
      family: 'g5',
      cpuCoreHour: { onDemand: 0.05, spot: 0.02 },
      memoryGiBHour: { onDemand: 0.006, spot: 0.002 },
      gpuHour: { onDemand: 1.2, spot: 0.45 },
    },
  ],
  clusters: {
    prod: { cloud: 'aws', region: 'eu-west-1', family: 'g5', spot: true },
  },
});

describe('price catalog', () => {
  it('fills the OpenCost defaults when the config gives none', () => {
    const parsed = priceCatalogSchema.parse({});
    expect(parsed.currency).toBe('USD');
    expect(parsed.default).toEqual(OPENCOST_DEFAULT_PRICES);
    expect(parsed.entries).toEqual([]);
  });

  it('finds the exact entry, then the same region, then the default', () => {
    const exact = lookupPrice(catalog, {
      cloud: 'AWS',
      region: 'eu-west-1',
      family: 'g5',
    });
    expect(exact.match).toBe('exact');
    expect(exact.prices.gpuHour.onDemand).toBe(1.2);

    const region = lookupPrice(catalog, {
      cloud: 'aws',
      region: 'eu-west-1',
      family: 'c7i',
    });
    expect(region).toMatchObject({ match: 'region', key: 'aws/eu-west-1/m6i' });
    // m6i has no GPU price: the default's.
    expect(region.prices.gpuHour).toEqual(OPENCOST_DEFAULT_PRICES.gpuHour);

    const fallback = lookupPrice(catalog, {
      cloud: 'gcp',
      region: 'us-central1',
    });
    expect(fallback).toMatchObject({ match: 'default', key: 'default' });
  });

  it('prices a named cluster from its placement, spot included', () => {
    expect(lookupClusterPrice(catalog, 'prod')).toMatchObject({
      key: 'aws/eu-west-1/g5',
      spot: true,
    });
    expect(lookupClusterPrice(catalog, 'unknown')).toMatchObject({
      match: 'default',
      spot: false,
    });
  });

  it('rejects bad prices naming the field', () => {
    const result = priceCatalogSchema.safeParse({
      entries: [
        {
          cloud: 'aws',
          region: 'x',
          family: 'y',
          cpuCoreHour: { onDemand: -1, spot: 0 },
        },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map(i => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'entries.0.cpuCoreHour.onDemand',
        'entries.0.memoryGiBHour',
      ]),
    );
    expect(priceCatalogSchema.safeParse({ currency: 'dollars' }).success).toBe(
      false,
    );
  });

  it('derives the built-in m6i prices from the m6i.large list price', () => {
    const [m6i] = DEFAULT_PRICE_CATALOG.entries;
    // m6i.large: 2 vCPU + 8 GiB = $0.096/h; CPU:RAM at OpenCost's ratio 0.031611 : 0.004237.
    expect(
      2 * m6i.cpuCoreHour.onDemand + 8 * m6i.memoryGiBHour.onDemand,
    ).toBeCloseTo(0.096, 5);
    expect(m6i.cpuCoreHour.onDemand / m6i.memoryGiBHour.onDemand).toBeCloseTo(
      0.031611 / 0.004237,
      2,
    );
    expect(m6i.cpuCoreHour.spot / m6i.cpuCoreHour.onDemand).toBeCloseTo(
      0.35,
      3,
    );
    expect(priceCatalogSchema.parse(DEFAULT_PRICE_CATALOG)).toEqual(
      DEFAULT_PRICE_CATALOG,
    );
  });
});
