import {
  allocateCost,
  clusterIdleCost,
  rollUpCosts,
  type LabelledCost,
} from './allocation';
import { GIB_BYTES as GIB, PRICES } from './fixtures';
import { OPENCOST_DEFAULT_PRICES } from './prices';

describe('allocateCost: max(request, usage) × hours × price', () => {
  it('charges the request when usage is below it', () => {
    // 3 × 0.5 cores = 1.5 cores (usage 0.9); 3 × 1 GiB = 3 GiB (usage 2 GiB); 10 h.
    // CPU 1.5 × 10 × 0.04 = 0.60; memory 3 × 10 × 0.005 = 0.15; total 0.75.
    const cost = allocateCost(
      {
        replicas: 3,
        request: { cpuCores: 0.5, memoryBytes: GIB },
        usage: { cpuCores: 0.9, memoryBytes: 2 * GIB },
        hours: 10,
      },
      PRICES,
    );
    expect(cost.cpuCoreHours).toBeCloseTo(15, 10);
    expect(cost.memoryGiBHours).toBeCloseTo(30, 10);
    expect(cost.cpuCost).toBeCloseTo(0.6, 10);
    expect(cost.memoryCost).toBeCloseTo(0.15, 10);
    expect(cost.totalCost).toBeCloseTo(0.75, 10);
  });

  it('charges the usage when it is above the request', () => {
    // 2 × 0.25 = 0.5 cores requested, 1.2 used → 1.2 × 10 × 0.04 = 0.48;
    // 2 × 0.5 GiB = 1 GiB requested, 1.5 GiB used → 1.5 × 10 × 0.005 = 0.075.
    const cost = allocateCost(
      {
        replicas: 2,
        request: { cpuCores: 0.25, memoryBytes: GIB / 2 },
        usage: { cpuCores: 1.2, memoryBytes: 1.5 * GIB },
        hours: 10,
      },
      PRICES,
    );
    expect(cost.cpuCost).toBeCloseTo(0.48, 10);
    expect(cost.memoryCost).toBeCloseTo(0.075, 10);
    expect(cost.totalCost).toBeCloseTo(0.555, 10);
  });

  it('uses spot prices for spot pods and whole GPUs at their request', () => {
    // CPU 1.5 × 10 × 0.012 = 0.18; memory 3 × 10 × 0.0015 = 0.045; GPU 3 × 10 × 0.3 = 9.
    const cost = allocateCost(
      {
        replicas: 3,
        request: { cpuCores: 0.5, memoryBytes: GIB, gpus: 1 },
        usage: { cpuCores: 0.1, memoryBytes: null },
        hours: 10,
        spot: true,
      },
      PRICES,
    );
    expect(cost.cpuCost).toBeCloseTo(0.18, 10);
    expect(cost.memoryCost).toBeCloseTo(0.045, 10);
    expect(cost.gpuHours).toBe(30);
    expect(cost.gpuCost).toBeCloseTo(9, 10);
    expect(cost.totalCost).toBeCloseTo(9.225, 10);
  });

  it('matches the OpenCost worked example with its default prices', () => {
    // 2 vCPU + 8 GiB for 730 h: (2 × 0.031611 + 8 × 0.004237) × 730 = 70.89614 on demand,
    // (2 × 0.006655 + 8 × 0.000892) × 730 = 14.92558 on spot.
    const base = {
      replicas: 1,
      request: { cpuCores: 2, memoryBytes: 8 * GIB },
      hours: 730,
    };
    expect(allocateCost(base, OPENCOST_DEFAULT_PRICES).totalCost).toBeCloseTo(
      70.89614,
      6,
    );
    expect(
      allocateCost({ ...base, spot: true }, OPENCOST_DEFAULT_PRICES).totalCost,
    ).toBeCloseTo(14.92558, 6);
  });

  it('charges nothing for zero replicas and ignores negative or missing numbers', () => {
    expect(
      allocateCost(
        { replicas: 0, request: { cpuCores: 1, memoryBytes: GIB }, hours: 5 },
        PRICES,
      ).totalCost,
    ).toBe(0);
    expect(
      allocateCost(
        {
          replicas: 1,
          request: { cpuCores: -1, memoryBytes: Number.NaN },
          usage: { cpuCores: 1 },
          hours: 1,
        },
        PRICES,
      ).totalCost,
    ).toBeCloseTo(0.04, 10);
  });
});

describe('roll-ups and idle cost', () => {
  const web = allocateCost(
    { replicas: 3, request: { cpuCores: 0.5, memoryBytes: GIB }, hours: 10 },
    PRICES,
  ); // 0.60 + 0.15 = 0.75
  const worker = allocateCost(
    {
      replicas: 2,
      request: { cpuCores: 0.25, memoryBytes: GIB / 2 },
      usage: { cpuCores: 1.2, memoryBytes: 1.5 * GIB },
      hours: 10,
    },
    PRICES,
  ); // 0.48 + 0.075 = 0.555
  const batch = allocateCost(
    { replicas: 1, request: { cpuCores: 1, memoryBytes: 2 * GIB }, hours: 10 },
    PRICES,
  ); // 0.40 + 0.10 = 0.50
  const items: LabelledCost[] = [
    {
      labels: {
        service: 'web',
        tenant: 'acme',
        environment: 'production',
        cluster: 'a',
      },
      cost: web,
    },
    {
      labels: {
        service: 'worker',
        tenant: 'acme',
        environment: 'staging',
        cluster: 'a',
      },
      cost: worker,
    },
    {
      labels: {
        service: 'batch',
        tenant: 'globex',
        environment: 'production',
        cluster: 'b',
      },
      cost: batch,
    },
  ];

  it('sums by tenant, environment, cluster and service', () => {
    const byTenant = rollUpCosts(items, 'tenant');
    expect(byTenant.acme.totalCost).toBeCloseTo(1.305, 10);
    expect(byTenant.globex.totalCost).toBeCloseTo(0.5, 10);
    const byEnvironment = rollUpCosts(items, 'environment');
    expect(byEnvironment.production.totalCost).toBeCloseTo(1.25, 10);
    expect(byEnvironment.staging.cpuCost).toBeCloseTo(0.48, 10);
    expect(rollUpCosts(items, 'cluster').a.memoryCost).toBeCloseTo(0.225, 10);
    expect(Object.keys(rollUpCosts(items, 'service')).sort()).toEqual([
      'batch',
      'web',
      'worker',
    ]);
  });

  it('computes idle per cluster as capacity minus allocation, per resource', () => {
    // Capacity 8 cores, 32 GiB for 10 h: CPU 8 × 10 × 0.04 = 3.2, memory 32 × 10 × 0.005 = 1.6.
    // Allocated on cluster a: CPU 0.6 + 0.48 = 1.08; memory 0.15 + 0.075 = 0.225.
    // Idle: CPU 2.12, memory 1.375, total 3.495 = 72.8125% of 4.8.
    const result = clusterIdleCost(
      { capacity: { cpuCores: 8, memoryGiB: 32, gpus: 0 }, hours: 10 },
      [web, worker],
      PRICES,
    );
    expect(result.capacity.totalCost).toBeCloseTo(4.8, 10);
    expect(result.allocated.totalCost).toBeCloseTo(1.305, 10);
    expect(result.idle.cpuCost).toBeCloseTo(2.12, 10);
    expect(result.idle.memoryCost).toBeCloseTo(1.375, 10);
    expect(result.idle.totalCost).toBeCloseTo(3.495, 10);
    expect(result.idle.cpuCoreHours).toBeCloseTo(80 - 27, 10);
    expect(result.idleFraction).toBeCloseTo(0.728125, 10);
  });

  it('gives no idle for a resource whose allocations exceed capacity', () => {
    // 1 core × 10 h × 0.04 = 0.4 of CPU capacity, 1.08 allocated → 0 CPU idle;
    // memory 32 GiB → 1.6 − 0.225 = 1.375 idle.
    const result = clusterIdleCost(
      { capacity: { cpuCores: 1, memoryGiB: 32, gpus: 0 }, hours: 10 },
      [web, worker],
      PRICES,
    );
    expect(result.idle.cpuCost).toBe(0);
    expect(result.idle.totalCost).toBeCloseTo(1.375, 10);
  });
});
