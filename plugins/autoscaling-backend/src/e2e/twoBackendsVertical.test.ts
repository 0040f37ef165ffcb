/**
 * Two backend replicas on one PostgreSQL database, vertical `Auto` (issue 16): both run the real
 * plugin with the real scheduler of @backstage/backend-defaults against one simulated cluster
 * without pods/resize (so a vertical change is one template write). The workload's recommender
 * is given an hour of history first (by the backend itself, ticked with an earlier clock and
 * `vertical.mode: Off`); then `Auto` is switched on and both replicas run.
 *
 * Every applied vertical decision is exactly one template write in the simulator's request log
 * and one `engine.actuate` audit row, whichever replica made it, and it is not repeated by the
 * other replica (the decision and its interval live in the shared store).
 */
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { Knex } from 'knex';
import { ScratchPostgresDatabase } from '../testUtils';
import { simClustersConfig } from './__testUtils__/simClusters';
import type { WorkloadEngineState } from '../evaluation/ClusterEvaluator';
import { PolicyStore } from '../governance/policies/PolicyStore';
import { autoscalingPlugin } from '../plugin';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';

jest.setTimeout(240_000);

const CLUSTER = 'sim-vpa2';
const NAMESPACE = 'acme-staging';
const WORKLOAD_ID = `${CLUSTER}/${NAMESPACE}/Deployment/web-vpa`;
const ENTITY = 'component:default/web-vpa';
const HISTORY_TICKS = 75;

const SIM_CONFIG = `
cluster: { name: ${CLUSTER} }
clock: { factor: 1, start: '${new Date(
  Date.now() - 15 * 60_000,
).toISOString()}' }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale, deployments, statefulsets] }
workloads:
  - name: web-vpa
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: web-vpa }
    resources: { requests: { cpu: 500m, memory: 512Mi } }
    capacityPerPod: 100
    startupSeconds: 1
    demand: { constant: 40 }
`;

const POLICY = {
  minReplicas: 2,
  maxReplicas: 12,
  mode: 'auto',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 50 },
    },
  ],
  vertical: { mode: 'Off' },
};

const ENTITIES = [
  serviceComponent({
    name: 'web-vpa',
    namespace: NAMESPACE,
    environment: 'staging',
    owner: 'group:default/acme-web',
  }),
  ACME_TENANT,
];

/** The real scheduler of @backstage/backend-defaults (global tasks shared through the database). */
const realScheduler = createServiceFactory({
  service: coreServices.scheduler,
  deps: {
    database: coreServices.database,
    logger: coreServices.logger,
    rootLifecycle: coreServices.rootLifecycle,
    httpRouter: coreServices.httpRouter,
    pluginMetadata: coreServices.pluginMetadata,
    metrics: metricsServiceRef,
  },
  factory(deps): SchedulerService {
    return DefaultSchedulerService.create(deps);
  },
});

function startReplica(knex: Knex, sim: RunningClusterSim) {
  return startTestBackend({
    features: [
      autoscalingPlugin,
      realScheduler,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
          autoscaling: {
            evaluationIntervalSeconds: 1,
            policies: { globalDefault: POLICY },
          },
        },
      }),
    ],
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('two backend replicas, vertical Auto, one PostgreSQL database', () => {
  const database = new ScratchPostgresDatabase('autoscaling_two_vertical');
  let sim: RunningClusterSim | undefined;
  const backends: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    await database.create();
    sim = await startClusterSim({ config: SIM_CONFIG });
    sim.advance(60);
  });

  afterAll(async () => {
    for (const backend of backends) await backend.stop().catch(() => {});
    await sim?.stop();
    await database.drop();
  });

  it('writes each applied vertical decision once, audited once, whichever replica makes it', async () => {
    const db = database.connect();
    // An hour and a quarter of history, ticked by the backend itself with an earlier clock.
    const start = Date.now() - (HISTORY_TICKS + 1) * 60_000;
    let now = start;
    const history = await createAutoscalingService({
      ...mockAutoscalingDependencies(),
      config: mockServices.rootConfig({
        data: {
          kubernetes: simClustersConfig([{ name: CLUSTER, url: sim!.url }]),
          autoscaling: { policies: { globalDefault: POLICY } },
        },
      }),
      database: { getClient: async () => db },
      catalog: catalogServiceMock({ entities: ENTITIES }),
      clock: () => now,
    });
    for (let i = 0; i < HISTORY_TICKS; i++) {
      now = start + i * 60_000;
      await history.evaluators.get(CLUSTER)!.tick(now);
    }
    const before = (await history.store.getWorkload(WORKLOAD_ID))!
      .state as WorkloadEngineState;
    expect(before.verticalApply?.history ?? []).toEqual([]);
    const vpaPatches = () =>
      sim!
        .requests()
        .filter(
          r =>
            r.method === 'PATCH' &&
            r.path ===
              `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/web-vpa`,
        );
    expect(vpaPatches()).toEqual([]);

    // vertical Auto for the service, then both replicas.
    await db.transaction(trx =>
      new PolicyStore(db).write(trx, {
        target: { level: 'service', name: ENTITY },
        expectedVersion: 0,
        override: { vertical: { mode: 'Auto' } },
        actor: 'user:default/test',
        at: new Date().toISOString(),
        reason: 'vertical on',
      }),
    );
    backends.push(await startReplica(database.connect(), sim!));
    backends.push(await startReplica(database.connect(), sim!));

    const applied = async () => {
      const state = (await db('workloads').where({ id: WORKLOAD_ID }).first())
        ?.state_json;
      const parsed = (
        typeof state === 'string' ? JSON.parse(state) : state
      ) as WorkloadEngineState;
      return (parsed?.verticalApply?.history ?? []).filter(
        a => a.outcome === 'applied',
      );
    };
    const deadline = Date.now() + 60_000;
    while ((await applied()).length === 0) {
      if (Date.now() > deadline)
        throw new Error('timed out waiting for the vertical decision');
      await sleep(200);
    }
    // More ticks of both replicas after the decision: neither writes it again.
    await sleep(6_000);
    for (const backend of backends.splice(0)) await backend.stop();

    const decisions = await applied();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      mode: 'Auto',
      method: 'rolling-update',
    });
    const patches = vpaPatches();
    expect(patches.filter(p => p.status === 200)).toHaveLength(
      decisions.length,
    );
    expect(patches.filter(p => p.status !== 200)).toEqual([]);
    const template = sim!.sim.store.get(
      'apps/deployments',
      NAMESPACE,
      'web-vpa',
    )!.spec.template.spec.containers[0].resources.requests;
    const cpu = decisions[0].changes.find(c => c.resource === 'cpu')!;
    expect(template.cpu).toBe(`${Math.round(cpu.to * 1000)}m`);
    const audits = (
      await db('audit_events').where({ action: 'engine.actuate' })
    ).filter(a => {
      const after = JSON.parse(a.after_json);
      return (
        after.workload === WORKLOAD_ID && after.method === 'rolling-update'
      );
    });
    expect(audits).toHaveLength(decisions.length);
  });
});
