import { ConfigReader } from '@backstage/config';
import { CostService } from './CostService';
import { readPriceCatalog } from './readPriceCatalog';
import { GIB, NOW, record, status } from './testFixtures';
import type { StoredWorkload } from '../store/EngineStore';

/** A Compose host priced per container-hour, beside a cluster priced per core and GiB. */
const config = new ConfigReader({
  autoscaling: {
    prices: {
      currency: 'EUR',
      default: {
        cpuCoreHour: { onDemand: 0.04, spot: 0.012 },
        memoryGiBHour: { onDemand: 0.005, spot: 0.0015 },
        gpuHour: { onDemand: 1, spot: 0.3 },
      },
      clusters: {
        'compose-host': {
          cloud: 'onprem',
          region: 'dc1',
          family: 'docker',
          replicaHour: 0.02,
          capacity: { cpuCores: 8, memoryGiB: 32 },
        },
        'spot-host': {
          cloud: 'onprem',
          region: 'dc1',
          family: 'docker',
          spot: true,
          replicaHour: { onDemand: 0.03, spot: 0.01 },
        },
        k8s: { cloud: 'onprem', region: 'dc1', family: 'vm' },
      },
    },
  },
});

const costs = () =>
  new CostService({ catalog: readPriceCatalog(config), clock: () => NOW });

function workload(
  cluster: string,
  replicas: number,
  request = { cpu: 0.5, memory: GIB },
): StoredWorkload {
  const r = record(`${cluster}/demo/Service/web`);
  const cost = costs().accumulate(cluster, undefined, {
    nowMs: NOW - 60_000,
    replicas,
    cpuRequestCores: request.cpu,
    memoryRequestBytes: request.memory,
    // Usage above the requests: a flat price ignores it.
    cpuUsageCores: replicas * 2,
    memoryUsageBytes: replicas * 4 * GIB,
  });
  return {
    ...r,
    kind: 'Deployment',
    state: { cost: { ...cost, trackedHours: 10, replicaHours: 10 * replicas } },
    status: status(r, replicas),
    updatedAt: NOW - 60_000,
  };
}

describe('a flat price per replica-hour (autoscaling.prices.clusters.<name>.replicaHour)', () => {
  it('prices each replica at the flat rate, whatever its requests and usage', () => {
    const service = costs();
    const w = workload('compose-host', 3);
    // 3 containers × 0.02 = 0.06/h on the cost card.
    expect(service.workloadCost(w).hourly).toBeCloseTo(0.06, 10);
    // The same figure for one replica (guardrail ceilings) and at other counts (projections).
    expect(service.replicaHourly(w)).toBeCloseTo(0.02, 10);
    expect(service.hourlyAt(w, 5, { cpuCores: 40 })).toBeCloseTo(0.1, 10);
    // The month projection: 504 h left × 0.06.
    expect(service.workloadCost(w).projectedMonth.value).toBeCloseTo(
      504 * 0.06,
      6,
    );
    // The export books the flat price under CPU.
    const [row] = service.exportRows([w]);
    expect(row.hourly).toBeCloseTo(0.06, 10);
  });

  it('prices replicas whose requests are unknown (containers without limits)', () => {
    const w = workload('compose-host', 2, { cpu: 0, memory: 0 });
    expect(costs().replicaHourly(w)).toBeCloseTo(0.02, 10);
    expect(costs().workloadCost(w).hourly).toBeCloseTo(0.04, 10);
  });

  it('uses the spot side on a spot host, and spot advice compares the two flat rates', () => {
    const service = costs();
    const w = workload('spot-host', 2);
    expect(service.workloadCost(w).hourly).toBeCloseTo(0.02, 10);
    const onDemand = service.accumulate('spot-host', undefined, {
      nowMs: NOW,
      replicas: 2,
      cpuRequestCores: 0.5,
      memoryRequestBytes: GIB,
      spot: false,
    });
    expect(onDemand.hourly).toBeCloseTo(0.06, 10);
    const advice = service.workloadCost({
      ...w,
      state: { cost: onDemand },
    }).spot!;
    // 2 × (0.03 − 0.01) × 730 h.
    expect(advice.monthlySavings).toBeCloseTo(29.2, 6);
  });

  it('leaves other clusters on core and GiB prices, and gives no idle cost for a flat-priced host', () => {
    const service = costs();
    // 3 × max(0.5 core, 2 used) = 6 cores × 0.04 + 12 GiB × 0.005 = 0.30/h.
    const k8s = workload('k8s', 3);
    expect(service.workloadCost(k8s).hourly).toBeCloseTo(0.3, 10);
    const host = service.clusterCost('compose-host', [
      workload('compose-host', 3),
    ]);
    expect(host.hourly).toEqual({
      allocated: 0.06,
      capacity: null,
      idle: null,
    });
  });

  it('rejects a negative price naming the field', () => {
    const bad = new ConfigReader({
      autoscaling: {
        prices: {
          clusters: {
            h: { cloud: 'c', region: 'r', family: 'f', replicaHour: -1 },
          },
        },
      },
    });
    expect(() => readPriceCatalog(bad)).toThrow(
      /autoscaling\.prices\.clusters\.h\.replicaHour/,
    );
  });
});
