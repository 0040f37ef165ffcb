import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import type {
  KillSwitchState,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  resolvePolicy,
  type PodObservation,
} from '@internal/plugin-autoscaling-engine';
import {
  ClusterClient,
  OtherAutoscaler,
  PodUsage,
  ScaleConflictError,
  ScaleState,
  WorkloadCoordinates,
  WorkloadObject,
} from '../kubernetes/types';
import { EngineStore, WorkloadRecord } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import type {
  WorkloadDiscovery,
  TenantInfo,
} from '../workloads/WorkloadDiscovery';
import { ClusterEvaluator } from './ClusterEvaluator';
import { ClusterHealth } from './ClusterHealth';
import type { AuditEntry } from './types';

/** An in-memory cluster at the edge of the unit: scale with resourceVersion, pods, usage. */
class FakeCluster implements ClusterClient {
  replicas = 2;
  resourceVersion = 1;
  cpuPerPod = 0.9; // cores used by each pod (request 1 core)
  writes: number[] = [];
  conflictsToInject = 0;

  async listWorkloads(): Promise<WorkloadObject[]> {
    return [];
  }
  async getScale(): Promise<ScaleState> {
    return {
      replicas: this.replicas,
      statusReplicas: this.replicas,
      resourceVersion: String(this.resourceVersion),
    };
  }
  async replaceScale(
    _w: WorkloadCoordinates,
    replicas: number,
    rv: string,
  ): Promise<ScaleState> {
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      // Someone else scaled to 3 meanwhile.
      this.replicas = 3;
      this.resourceVersion += 1;
    }
    if (rv !== String(this.resourceVersion))
      throw new ScaleConflictError('409 Conflict');
    this.replicas = replicas;
    this.resourceVersion += 1;
    this.writes.push(replicas);
    return this.getScale();
  }
  async listPods(): Promise<PodObservation[]> {
    return Array.from({ length: this.replicas }, (_, i) => ({
      name: `pod-${i}`,
      phase: 'Running' as const,
      ready: true,
      startTimeMs: 0,
      readyTransitionMs: 0,
      requests: { cpu: 1, memory: 512 * 2 ** 20 },
    }));
  }
  async podMetrics(): Promise<Record<string, PodUsage>> {
    const usage: Record<string, PodUsage> = {};
    for (let i = 0; i < this.replicas; i++)
      usage[`pod-${i}`] = { cpu: this.cpuPerPod, memory: 300 * 2 ** 20 };
    return usage;
  }
  /** HPAs on the cluster, or the error listing them fails with. */
  others: OtherAutoscaler[] | Error = [];
  async disruptionBudgetsBlocking(): Promise<string[]> {
    return [];
  }
  async listOtherAutoscalers(): Promise<OtherAutoscaler[]> {
    if (this.others instanceof Error) throw this.others;
    return this.others;
  }
}

const record: WorkloadRecord = {
  id: 'sim/acme-production/Deployment/checkout-api',
  entityRef: 'component:default/checkout-api',
  cluster: 'sim',
  namespace: 'acme-production',
  kind: 'Deployment',
  name: 'checkout-api',
  tenant: 'acme',
  environment: 'production',
  tier: 'enterprise',
};

function policy(overrides: Record<string, unknown> = {}): ScalingPolicy {
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
        ...overrides,
      },
    },
  ]);
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.issues));
  return resolution.policy;
}

describe('ClusterEvaluator', () => {
  let knex: Knex;
  let store: EngineStore;
  let cluster: FakeCluster;
  let audit: AuditEntry[];
  let killSwitch: KillSwitchState;
  let tenants: Map<string, TenantInfo>;

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    await migrate(knex);
    store = new EngineStore(knex);
    cluster = new FakeCluster();
    audit = [];
    killSwitch = {
      enabled: false,
      changedBy: null,
      changedAt: null,
      reason: null,
    };
    tenants = new Map([
      [
        'acme',
        {
          name: 'acme',
          entityRef: 'group:default/acme',
          tier: 'enterprise',
          replicaQuota: 60,
          monthlyBudget: null,
        },
      ],
    ]);
  });
  afterEach(async () => {
    await knex.destroy();
  });

  function evaluator(p: ScalingPolicy) {
    const discovery = {
      tenants: async () => tenants,
      discover: async () => [
        {
          record,
          object: {
            ...record,
            labels: {},
            podSelector: 'app=checkout-api',
            replicas: cluster.replicas,
            readyReplicas: cluster.replicas,
            podRequests: { cpu: 1, memory: 512 * 2 ** 20 },
            containers: [{ name: 'app', cpu: 1, memory: 512 * 2 ** 20 }],
          },
        },
      ],
    } as unknown as WorkloadDiscovery;
    return new ClusterEvaluator({
      cluster: { name: 'sim', url: 'http://sim', skipTLSVerify: true },
      client: cluster,
      store,
      discovery,
      policies: { effectivePolicy: async () => p },
      audit: { append: async entry => audit.push(entry) },
      metricSources: new Map(),
      health: new ClusterHealth(),
      logger: mockServices.logger.mock(),
      killSwitch: async () => killSwitch,
    });
  }

  const NOW = Date.parse('2026-11-22T12:00:00Z');

  it('scales up on CPU above target and records the decision, its reasons and an audit row', async () => {
    await evaluator(policy()).tick(NOW);
    // 2 pods at 90% of a 50% target: ceil(2 * 90/50) = 4
    expect(cluster.writes).toEqual([4]);
    const [decision] = await store.listDecisions(record.id);
    expect(decision).toMatchObject({
      kind: 'scale',
      from: 2,
      to: 4,
      outcome: 'applied',
      mode: 'auto',
    });
    expect(decision.reasons.length).toBeGreaterThan(0);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'engine.actuate',
        actor: 'autoscaling-engine',
        target: record.entityRef,
      }),
    ]);
    const stored = await store.getWorkload(record.id);
    expect(stored?.status).toMatchObject({
      currentReplicas: 4,
      desiredReplicas: 4,
      cpuUtilization: 90,
    });
  });

  it.each(['dry-run', 'forecast-only'] as const)(
    'never writes in %s mode, but records what it would do',
    async mode => {
      await evaluator(policy({ mode })).tick(NOW);
      expect(cluster.writes).toEqual([]);
      const [decision] = await store.listDecisions(record.id);
      expect(decision).toMatchObject({ kind: 'scale', to: 4, outcome: mode });
      expect(audit).toEqual([]);
    },
  );

  it('stops all writes while the kill switch is on', async () => {
    killSwitch = {
      enabled: true,
      changedBy: 'user:default/pat',
      changedAt: null,
      reason: 'incident',
    };
    await evaluator(policy()).tick(NOW);
    expect(cluster.writes).toEqual([]);
    const [decision] = await store.listDecisions(record.id);
    expect(decision.outcome).toBe('kill-switch');
    expect(decision.reasons.map(r => r.code)).toContain('KillSwitch');
  });

  it('writes nothing while an HPA targets the workload, and keeps the last list when listing fails', async () => {
    const hpa: OtherAutoscaler = {
      kind: 'HorizontalPodAutoscaler',
      namespace: record.namespace,
      name: 'checkout-api',
      target: { kind: 'Deployment', name: record.name },
      minReplicas: 2,
      maxReplicas: 10,
    };
    cluster.others = [
      hpa,
      {
        ...hpa,
        name: 'other',
        target: { kind: 'StatefulSet', name: record.name },
      },
    ];
    const engine = evaluator(policy());
    await engine.tick(NOW);
    expect(cluster.writes).toEqual([]);
    const [decision] = await store.listDecisions(record.id);
    expect(decision).toMatchObject({
      kind: 'scale',
      to: 4,
      outcome: 'other-autoscaler',
    });
    expect(decision.reasons.map(r => r.code)).toContain('OtherAutoscaler');
    expect(
      (await store.getWorkload(record.id))?.status?.otherAutoscaler,
    ).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      name: 'checkout-api',
    });

    // Listing fails (RBAC, outage): the HPA seen last still counts; no write slips through.
    cluster.others = new Error('403 Forbidden');
    await engine.tick(NOW + 15_000);
    expect(cluster.writes).toEqual([]);

    // The HPA is gone: the engine scales again.
    cluster.others = [];
    await engine.tick(NOW + 30_000);
    expect(cluster.writes).toEqual([4]);
    expect(
      (await store.getWorkload(record.id))?.status?.otherAutoscaler,
    ).toBeNull();
  });

  it('re-reads and re-decides after a 409 instead of retrying the stale write', async () => {
    cluster.conflictsToInject = 1;
    await evaluator(policy()).tick(NOW);
    // Re-decided from the fresh count of 3 pods at 90%: ceil(3 * 1.8) = 6, not the stale 4.
    expect(cluster.writes).toEqual([6]);
    const [decision] = await store.listDecisions(record.id);
    expect(decision).toMatchObject({ from: 3, to: 6, outcome: 'applied' });
  });

  it('caps scale-up at the tenant quota and says so', async () => {
    tenants.get('acme')!.replicaQuota = 3;
    await evaluator(policy()).tick(NOW);
    expect(cluster.writes).toEqual([3]);
    const [decision] = await store.listDecisions(record.id);
    expect(decision.to).toBe(3);
    expect(decision.reasons.map(r => r.message).join(' ')).toMatch(/quota/i);
    expect(decision.clamp).toEqual({
      by: 'quota',
      limit: 3,
      wanted: 4,
      also: [],
    });
    const stored = await store.getWorkload(record.id);
    expect(stored?.status?.lastDecision?.clamp).toEqual(decision.clamp);
  });

  it('records a decision held at the maximum with its clamp, and a new row when the clamp ends', async () => {
    // 2 pods at 90% of 50% ask for 4; the maximum is 2.
    await evaluator(policy({ maxReplicas: 2 })).tick(NOW);
    const [held] = await store.listDecisions(record.id);
    expect(held).toMatchObject({
      kind: 'hold',
      to: 2,
      clamp: { by: 'max', limit: 2, wanted: 4 },
    });
    await evaluator(policy({ maxReplicas: 2 })).tick(NOW + 15_000);
    expect(await store.listDecisions(record.id)).toHaveLength(1);
    await evaluator(policy({ maxReplicas: 20 })).tick(NOW + 30_000);
    const [latest] = await store.listDecisions(record.id);
    expect(latest).not.toHaveProperty('clamp');
  });
});
