import { accumulateCost } from './accumulator';
import { allocateCost } from './allocation';
import { lookupClusterPrice, priceCatalogSchema } from './prices';
import { spotAdvice, verticalSavings } from './savings';

const GIB = 2 ** 30;
const catalog = priceCatalogSchema.parse({
  clusters: {
    host: {
      cloud: 'onprem',
      region: 'dc',
      family: 'docker',
      replicaHour: 0.02,
    },
    spotty: {
      cloud: 'onprem',
      region: 'dc',
      family: 'docker',
      spot: true,
      replicaHour: { onDemand: 0.05, spot: 0.01 },
    },
    plain: { cloud: 'onprem', region: 'dc', family: 'vm' },
  },
});

describe('replicaHour: a flat price per replica-hour', () => {
  it('is read as both sides from one number, and only for the cluster that sets it', () => {
    expect(lookupClusterPrice(catalog, 'host').prices.replicaHour).toEqual({
      onDemand: 0.02,
      spot: 0.02,
    });
    expect(lookupClusterPrice(catalog, 'plain').prices.replicaHour).toBe(
      undefined,
    );
    expect(lookupClusterPrice(catalog, 'unknown').prices.replicaHour).toBe(
      undefined,
    );
  });

  it('charges replicas × hours × rate whatever the requests and usage, on its side', () => {
    const { prices } = lookupClusterPrice(catalog, 'spotty');
    const input = {
      replicas: 3,
      request: { cpuCores: 0.5, memoryBytes: GIB },
      usage: { cpuCores: 10, memoryBytes: 50 * GIB },
      hours: 2,
    };
    expect(allocateCost(input, prices).totalCost).toBeCloseTo(0.3, 12);
    expect(allocateCost({ ...input, spot: true }, prices)).toMatchObject({
      cpuCost: expect.closeTo(0.06, 12),
      memoryCost: 0,
      gpuCost: 0,
      totalCost: expect.closeTo(0.06, 12),
    });
    // The month accumulator charges the same rate.
    const state = accumulateCost(
      undefined,
      { nowMs: 0, replicas: 3, cpuRequestCores: 0, memoryRequestBytes: 0 },
      prices,
    );
    expect(state.hourly).toBeCloseTo(0.15, 12);
  });

  it('saves nothing by right-sizing, and spot advice compares the two rates', () => {
    const { prices } = lookupClusterPrice(catalog, 'spotty');
    expect(
      verticalSavings({
        replicas: 4,
        current: { cpuCores: 1 },
        target: { cpuCores: 0.1 },
        prices,
      }).total,
    ).toBe(0);
    const advice = spotAdvice(
      { kind: 'Deployment', replicas: 4 },
      { cpuCores: 4, memoryBytes: 4 * GIB },
      prices,
    );
    // 4 × (0.05 − 0.01) × 730 h.
    expect(advice.monthlySavings).toBeCloseTo(116.8, 9);
  });

  it('is refused when negative, naming the field', () => {
    const parsed = priceCatalogSchema.safeParse({
      clusters: {
        h: { cloud: 'c', region: 'r', family: 'f', replicaHour: -1 },
      },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].path).toEqual([
      'clusters',
      'h',
      'replicaHour',
    ]);
  });
});
