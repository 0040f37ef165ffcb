import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  KillSwitchState,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  resolvePolicy,
  type PodObservation,
} from '@internal/plugin-autoscaling-engine';
import knexFactory, { Knex } from 'knex';
import { CostService, readBudgetSettings, readPriceCatalog } from '../cost';
import type {
  ClusterClient,
  PodUsage,
  ScaleState,
  WorkloadCoordinates,
  WorkloadObject,
} from '../kubernetes/types';
import { EngineStore, WorkloadRecord } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import type {
  TenantInfo,
  WorkloadDiscovery,
} from '../workloads/WorkloadDiscovery';
import { BudgetStatusChange, ClusterEvaluator } from './ClusterEvaluator';
import { ClusterHealth } from './ClusterHealth';

/** Two deployments (one per namespace) with scale, pods of one core and CPU usage. */
class TwoWorkloadCluster implements ClusterClient {
  replicas: Record<string, number> = {};
  versions: Record<string, number> = {};
  cpuPerPod = 0.4;
  writes: Array<{ namespace: string; replicas: number }> = [];

  constructor(namespaces: string[]) {
    for (const ns of namespaces) {
      this.replicas[ns] = 2;
      this.versions[ns] = 1;
    }
  }
  async listWorkloads(): Promise<WorkloadObject[]> {
    return [];
  }
  async getScale(w: WorkloadCoordinates): Promise<ScaleState> {
    return {
      replicas: this.replicas[w.namespace],
      statusReplicas: this.replicas[w.namespace],
      resourceVersion: String(this.versions[w.namespace]),
    };
  }
  async replaceScale(
    w: WorkloadCoordinates,
    replicas: number,
  ): Promise<ScaleState> {
    this.replicas[w.namespace] = replicas;
    this.versions[w.namespace] += 1;
    this.writes.push({ namespace: w.namespace, replicas });
    return this.getScale(w);
  }
  async listPods(namespace: string): Promise<PodObservation[]> {
    return Array.from({ length: this.replicas[namespace] }, (_, i) => ({
      name: `${namespace}-pod-${i}`,
      phase: 'Running' as const,
      ready: true,
      startTimeMs: 0,
      readyTransitionMs: 0,
      requests: { cpu: 1, memory: 2 ** 30 },
    }));
  }
  async podMetrics(namespace: string): Promise<Record<string, PodUsage>> {
    const usage: Record<string, PodUsage> = {};
    for (let i = 0; i < this.replicas[namespace]; i++) {
      usage[`${namespace}-pod-${i}`] = { cpu: this.cpuPerPod, memory: 2 ** 29 };
    }
    return usage;
  }
  async disruptionBudgetsBlocking(): Promise<string[]> {
    return [];
  }
  async listOtherAutoscalers() {
    return [];
  }
}

function workload(
  tenant: string,
  tier: WorkloadRecord['tier'],
): WorkloadRecord {
  return {
    id: `sim/${tenant}-production/Deployment/api`,
    entityRef: `component:default/${tenant}-api`,
    cluster: 'sim',
    namespace: `${tenant}-production`,
    kind: 'Deployment',
    name: 'api',
    tenant,
    environment: 'production',
    tier,
  };
}

const enterprise = workload('acme', 'enterprise');
const basic = workload('initech', 'basic');

function policy(): ScalingPolicy {
  const resolution = resolvePolicy([
    {
      level: 'global',
      policy: {
        minReplicas: 1,
        maxReplicas: 20,
        mode: 'auto',
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 50 },
          },
        ],
      },
    },
  ]);
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.issues));
  return resolution.policy;
}

describe('budget emergency ceiling in the evaluator', () => {
  const START = Date.parse('2026-11-10T12:00:00Z');
  let knex: Knex;
  let store: EngineStore;
  let cluster: TwoWorkloadCluster;
  let notifications: BudgetStatusChange[];
  let clock: number;

  // Tiny budgets: two one-core pods cost far more than 5 a month at the default prices.
  const tenants = new Map<string, TenantInfo>([
    [
      'acme',
      {
        name: 'acme',
        entityRef: 'group:default/acme',
        tier: 'enterprise',
        replicaQuota: null,
        monthlyBudget: 5,
      },
    ],
    [
      'initech',
      {
        name: 'initech',
        entityRef: 'group:default/initech',
        tier: 'basic',
        replicaQuota: null,
        monthlyBudget: 5,
      },
    ],
  ]);

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrate(knex);
    store = new EngineStore(knex);
    cluster = new TwoWorkloadCluster([enterprise.namespace, basic.namespace]);
    notifications = [];
    clock = START;
  });
  afterEach(async () => {
    await knex.destroy();
  });

  function evaluator(withCost = true) {
    const discovered = [enterprise, basic].map(record => ({
      record,
      object: {
        ...record,
        labels: {},
        podSelector: 'app=api',
        replicas: cluster.replicas[record.namespace],
        readyReplicas: cluster.replicas[record.namespace],
        podRequests: { cpu: 1, memory: 2 ** 30 },
        containers: [{ name: 'app', cpu: 1, memory: 2 ** 30 }],
      },
    }));
    const killSwitch: KillSwitchState = {
      enabled: false,
      changedBy: null,
      changedAt: null,
      reason: null,
    };
    const config = new ConfigReader({});
    return new ClusterEvaluator({
      cluster: { name: 'sim', url: 'http://sim', skipTLSVerify: true },
      client: cluster,
      store,
      discovery: {
        tenants: async () => tenants,
        discover: async () => discovered,
      } as unknown as WorkloadDiscovery,
      policies: { effectivePolicy: async () => policy() },
      audit: { append: async () => undefined },
      metricSources: new Map(),
      health: new ClusterHealth(),
      logger: mockServices.logger.mock(),
      killSwitch: async () => killSwitch,
      ...(withCost
        ? {
            cost: new CostService({
              catalog: readPriceCatalog(config),
              budgets: readBudgetSettings(config),
              clock: () => clock,
            }),
            onBudgetStatusChanged: async (change: BudgetStatusChange) => {
              notifications.push(change);
            },
          }
        : {}),
    });
  }

  it('prices every workload each tick', async () => {
    await evaluator().tick(clock);
    const stored = await store.getWorkload(enterprise.id);
    expect(stored?.status?.hourlyCost).toBeGreaterThan(0);
    expect(
      (stored?.state as { cost?: { monthToDate: number } }).cost,
    ).toBeDefined();
  });

  it('caps the basic tenant at its current replicas while the enterprise tenant still scales, and notifies both', async () => {
    const engine = evaluator();
    // A quiet tick (40% CPU, under the 50% target): no scaling, the month's cost starts.
    await engine.tick(clock);
    expect(cluster.writes).toEqual([]);

    // Load doubles: both would go from 2 to ceil(2 × 90/50) = 4.
    cluster.cpuPerPod = 0.9;
    clock += 60_000;
    await engine.tick(clock);

    expect(cluster.writes).toEqual([
      { namespace: enterprise.namespace, replicas: 4 },
    ]);
    expect(cluster.replicas[basic.namespace]).toBe(2);

    const [basicDecision] = await store.listDecisions(basic.id);
    expect(basicDecision.to).toBe(2);
    const basicReasons = basicDecision.reasons.map(r => r.message).join(' | ');
    expect(basicReasons).toMatch(/budget emergency: tenant 'initech'/);
    expect(basicReasons).toMatch(/basic tier: no scale-up above 2 replicas/);

    const [enterpriseDecision] = await store.listDecisions(enterprise.id);
    expect(enterpriseDecision).toMatchObject({
      kind: 'scale',
      from: 2,
      to: 4,
      outcome: 'applied',
    });
    expect(enterpriseDecision.reasons.map(r => r.message).join(' | ')).toMatch(
      /enterprise tier: not capped, still scaling/,
    );

    expect(
      notifications.map(n => [n.tenant.name, n.from, n.to]).sort(),
    ).toEqual([
      ['acme', 'ok', 'emergency'],
      ['initech', 'ok', 'emergency'],
    ]);
    expect(notifications[0].budget.monthlyBudget).toBe(5);

    // Still in emergency on the next tick: no repeated notification.
    clock += 60_000;
    await engine.tick(clock);
    expect(notifications).toHaveLength(2);
  });

  it('scales both without a cost service (no budget known, nothing capped)', async () => {
    const engine = evaluator(false);
    await engine.tick(clock);
    cluster.cpuPerPod = 0.9;
    clock += 60_000;
    await engine.tick(clock);
    expect(cluster.writes.map(w => w.replicas)).toEqual([4, 4]);
    expect(notifications).toEqual([]);
  });
});
