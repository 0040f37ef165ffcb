/**
 * Database statements per steady tick do not grow with the number of workloads (issue 19): the
 * real backend (createAutoscalingService) against cluster-sim with 10 and with 200 Deployments,
 * every knex statement of a tick counted through the `query` event, on SQLite and PostgreSQL.
 * A steady tick stays within 50 statements plus a constant per write (an applied decision's
 * audit transaction), whatever the number of workloads.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim } from '@internal/cluster-sim';
import type { Knex } from 'knex';
import type { ClusterConfig } from '../clusters/readClusters';
import { KubernetesClusterClient } from '../kubernetes/KubernetesClusterClient';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { cpuPolicy } from './__testUtils__/simBackend';
import { serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(300_000);

const NAMESPACE = 'acme-production';
/** Statements a steady tick may take whatever the number of workloads. */
const BASE = 50;
/** And per write: the audit transaction (begin, chain head, event, head update, commit). */
const PER_WRITE = 6;

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `svc-${i}`);

/** Workloads at their target (2 pods at 70%), so steady ticks write little. */
const clusterOf = (count: number) => `sim-statements-${count}`;

function simConfig(count: number): string {
  return [
    `cluster: { name: ${clusterOf(count)} }`,
    "clock: { start: '2026-01-05T09:00:00Z' }",
    'tokens:',
    '  - token: scaler-token',
    '    user: system:serviceaccount:autoscaling:scaler',
    '    rules:',
    "      - { verbs: [get, list, watch], resources: ['*'] }",
    '      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }',
    'nodes:',
    `  - { count: ${
      Math.ceil(count / 20) + 1
    }, cpu: '64', memory: 256Gi, maxPods: 110 }`,
    'defaults:',
    '  resources: { requests: { cpu: 500m, memory: 256Mi } }',
    '  capacityPerPod: 100',
    '  startupSeconds: 20',
    'workloads:',
    ...names(count).flatMap(name => [
      `  - name: ${name}`,
      `    namespace: ${NAMESPACE}`,
      '    replicas: 2',
      `    labels: { backstage.io/kubernetes-id: ${name} }`,
      '    demand: 140',
    ]),
  ].join('\n');
}

/** The acme tenant without a replica quota (the allocation never holds a workload back). */
const TENANT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'acme',
    namespace: 'default',
    annotations: { 'autoscaling.io/tier': 'enterprise' },
  },
  spec: { type: 'tenant', children: [] },
};

/** Statements and writes of each of `steady` ticks after three warm-up ticks. */
async function steadyTicks(knex: Knex, count: number, steady: number) {
  const CLUSTER = clusterOf(count);
  const sim = await startClusterSim({
    config: simConfig(count),
    clock: 'manual',
  });
  const clients: Array<{ stop?: () => unknown }> = [];
  try {
    const service = await createAutoscalingService({
      ...mockAutoscalingDependencies(),
      config: mockServices.rootConfig({
        data: {
          kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
          autoscaling: { policies: { globalDefault: cpuPolicy('auto') } },
        },
      }),
      database: { getClient: async () => knex },
      catalog: catalogServiceMock({
        entities: [
          ...names(count).map(name =>
            serviceComponent({
              name,
              namespace: NAMESPACE,
              environment: 'production',
            }),
          ),
          TENANT,
        ],
      }),
      notifications: { send: async () => {} },
      clientFactory: cluster => {
        const client = new KubernetesClusterClient(cluster as ClusterConfig);
        clients.push(client as { stop?: () => unknown });
        return client;
      },
      clock: () => sim.now(),
    });
    const evaluator = service.evaluators.get(CLUSTER)!;
    let statements = 0;
    const count1 = () => {
      statements++;
    };
    knex.on('query', count1);
    const ticks: Array<{
      statements: number;
      writes: number;
      evaluated: number;
    }> = [];
    try {
      for (let i = 0; i < 3 + steady; i++) {
        // From the second steady tick, three workloads get five times their demand: writes.
        if (i === 4) {
          for (const name of names(3))
            sim.sim.setDemandOverride(NAMESPACE, name, 700);
        }
        sim.advance(15);
        statements = 0;
        const result = await evaluator.tick(sim.now());
        expect(result.failures).toBe(0);
        if (i >= 3) ticks.push({ statements, ...result });
      }
    } finally {
      knex.removeListener('query', count1);
    }
    // Every workload was recorded by the last tick.
    const rows = await knex('workloads')
      .where('cluster', CLUSTER)
      .max({ at: 'updated_at' })
      .count({ n: '*' })
      .first();
    expect(Number(rows?.n)).toBe(count);
    expect(Number(rows?.at)).toBe(sim.now());
    return ticks;
  } finally {
    for (const client of clients) await client.stop?.();
    await sim.stop();
  }
}

describe.each(databases.eachSupportedId())(
  'database statements per steady tick on %p',
  databaseId => {
    it('stay within 50 plus a constant per write, for 10 and for 200 workloads alike', async () => {
      const knex = await databases.init(databaseId);
      const small = await steadyTicks(knex, 10, 4);
      const large = await steadyTicks(knex, 200, 4);
      for (const tick of [...small, ...large]) {
        expect(tick.statements).toBeLessThanOrEqual(
          BASE + PER_WRITE * tick.writes,
        );
      }
      expect(small.every(t => t.evaluated === 10)).toBe(true);
      expect(large.every(t => t.evaluated === 200)).toBe(true);
      // The demand step was written, so the per-write allowance was needed.
      expect(small.some(t => t.writes > 0)).toBe(true);
      expect(large.some(t => t.writes > 0)).toBe(true);
      // Twenty times the workloads: beside the writes, the same statements (±3).
      const beside = (ticks: typeof small) =>
        Math.max(...ticks.map(t => t.statements - PER_WRITE * t.writes));
      expect(Math.abs(beside(large) - beside(small))).toBeLessThanOrEqual(3);
    });
  },
);
