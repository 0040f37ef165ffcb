import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_PRICE_CATALOG,
  lookupClusterPrice,
} from '@internal/plugin-autoscaling-engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readBudgetSettings, readPriceCatalog } from './readPriceCatalog';

describe('readPriceCatalog', () => {
  it('uses the built-in catalog without autoscaling.prices', () => {
    expect(readPriceCatalog(new ConfigReader({}))).toEqual(
      DEFAULT_PRICE_CATALOG,
    );
  });

  it('reads examples/prices.yaml', () => {
    const text = readFileSync(
      join(__dirname, '../../../../examples/prices.yaml'),
      'utf8',
    );
    const catalog = readPriceCatalog(new ConfigReader(parse(text)));
    expect(catalog.currency).toBe('USD');
    expect(catalog.entries.length).toBeGreaterThanOrEqual(2);
    const local = lookupClusterPrice(catalog, 'sim-local');
    expect(local).toMatchObject({
      match: 'exact',
      key: 'aws/us-east-1/m6i',
      spot: false,
    });
    expect(local.prices.cpuCoreHour.onDemand).toBe(0.031247);
  });

  it('fills omitted fields with their defaults', () => {
    const catalog = readPriceCatalog(
      new ConfigReader({ autoscaling: { prices: { currency: 'EUR' } } }),
    );
    expect(catalog.currency).toBe('EUR');
    expect(catalog.default.cpuCoreHour.onDemand).toBe(0.031611);
    expect(catalog.entries).toEqual([]);
  });

  it('names the bad field', () => {
    const config = new ConfigReader({
      autoscaling: {
        prices: {
          entries: [
            {
              cloud: 'aws',
              region: 'us-east-1',
              family: 'm6i',
              cpuCoreHour: { onDemand: 0.03, spot: -1 },
              memoryGiBHour: { onDemand: 0.004, spot: 0.001 },
            },
          ],
          clusters: { prod: { cloud: 'aws', region: 'us-east-1' } },
        },
      },
    });
    expect(() => readPriceCatalog(config)).toThrow(
      /autoscaling\.prices\.entries\[0\]\.cpuCoreHour\.spot: .*autoscaling\.prices\.clusters\.prod\.family/,
    );
  });
});

describe('readBudgetSettings', () => {
  it('defaults to 80% / 100% and premium +10% or +1', () => {
    expect(readBudgetSettings(new ConfigReader({}))).toEqual({
      thresholds: { warning: 0.8, emergency: 1 },
      caps: { premiumMaxIncreaseFraction: 0.1, premiumMinIncreaseReplicas: 1 },
    });
  });

  it('reads overrides and rejects a warning above the emergency', () => {
    const read = (budgets: object) =>
      readBudgetSettings(new ConfigReader({ autoscaling: { budgets } }));
    expect(read({ warning: 0.7, emergency: 0.9 }).thresholds).toEqual({
      warning: 0.7,
      emergency: 0.9,
    });
    expect(() => read({ warning: 1.2 })).toThrow(
      /autoscaling\.budgets\.warning: warning must not be above emergency/,
    );
    expect(() => read({ emergency: 'lots' })).toThrow(
      /autoscaling\.budgets\.emergency/,
    );
  });
});
