/**
 * Two backend replicas, one PostgreSQL database: both run the real autoscaling plugin with
 * the real scheduler of @backstage/backend-defaults (global tasks, one per cluster) against
 * two simulated clusters, for many ticks, and hand over when one replica stops.
 *
 * Each tick of each cluster must run exactly once (one run, one set of evaluation records
 * in the store, runs never overlapping), and no workload may be written to twice for one
 * decision (counted in the simulators' request logs).
 */
import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { Knex } from 'knex';
import { ScratchPostgresDatabase } from '../testUtils';
import { simClustersConfig } from './__testUtils__/simClusters';
import { PolicyStore } from '../governance/policies/PolicyStore';
import { autoscalingPlugin } from '../plugin';
import { migrate } from '../store/migrate';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';

jest.setTimeout(240_000);

const CLUSTERS = ['sim-a', 'sim-b'];
const NAMESPACE = 'acme-staging';
const INTERVAL_SECONDS = 1;
/** Ticks per cluster with both replicas up, then with the survivor alone. */
const SHARED_TICKS = 14;
const ALONE_TICKS = 6;

const simConfig = (cluster: string) => `
cluster: { name: ${cluster} }
clock: { factor: 1, start: '${new Date(
  Date.now() - 15 * 60_000,
).toISOString()}' }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
defaults:
  resources: { requests: { cpu: 500m, memory: 256Mi } }
  capacityPerPod: 100
  startupSeconds: 1
workloads:
  - name: web-auto
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: web-auto }
    demand: { constant: 60 }
  - name: web-dry
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: web-dry }
    demand: { constant: 400 }
`;

/** Fast both ways, so the toggling demand of web-auto gives many applied decisions. */
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
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Percent', value: 400, periodSeconds: 1 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }],
    },
  },
};

const component = (name: string): Entity =>
  serviceComponent({
    name,
    namespace: NAMESPACE,
    environment: 'staging',
    owner: 'group:default/acme-web',
  });

const ENTITIES: Entity[] = [
  component('web-auto'),
  component('web-dry'),
  ACME_TENANT,
];

interface Run {
  backend: string;
  taskId: string;
  start: number;
  end?: number;
  error?: unknown;
}

/**
 * The real scheduler of @backstage/backend-defaults; only the task functions are wrapped,
 * to record which replica ran which task, and when.
 */
function observedScheduler(backend: string, runs: Run[]) {
  return createServiceFactory({
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
      const real = DefaultSchedulerService.create(deps);
      const scheduleTask = (
        task: Parameters<SchedulerService['scheduleTask']>[0],
      ) =>
        real.scheduleTask({
          ...task,
          fn: async signal => {
            const run: Run = { backend, taskId: task.id, start: Date.now() };
            runs.push(run);
            try {
              await task.fn(signal);
            } catch (error) {
              run.error = error;
              throw error;
            } finally {
              run.end = Date.now();
            }
          },
        });
      return {
        scheduleTask,
        triggerTask: id => real.triggerTask(id),
        cancelTask: id => real.cancelTask(id),
        getScheduledTasks: () => real.getScheduledTasks(),
        createScheduledTaskRunner: schedule => ({
          run: task => scheduleTask({ ...task, ...schedule }),
        }),
      };
    },
  });
}

function startReplica(
  name: string,
  knex: Knex,
  sims: RunningClusterSim[],
  runs: Run[],
) {
  return startTestBackend({
    features: [
      autoscalingPlugin,
      observedScheduler(name, runs),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: simClustersConfig(
            sims.map((sim, i) => ({ name: CLUSTERS[i], url: sim.url })),
          ),
          autoscaling: {
            evaluationIntervalSeconds: INTERVAL_SECONDS,
            policies: { globalDefault: POLICY },
          },
        },
      }),
    ],
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('two backend replicas on one PostgreSQL database', () => {
  const database = new ScratchPostgresDatabase('autoscaling_two_backends');
  const sims: RunningClusterSim[] = [];
  const backends: Array<{ stop(): Promise<void> } | undefined> = [];
  let toggle: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await database.create();
    for (const cluster of CLUSTERS) {
      const sim = await startClusterSim({ config: simConfig(cluster) });
      // Real-time clock, 15 minutes behind: the plugin's engine uses wall time, and the
      // pods started long enough ago to be past the HPA's CPU initialisation period.
      sim.advance(60);
      sims.push(sim);
    }
  });

  afterAll(async () => {
    if (toggle) clearInterval(toggle);
    for (const backend of backends) await backend?.stop().catch(() => {});
    for (const sim of sims) await sim.stop();
    await database.drop();
  });

  it('runs each tick of each cluster once and never writes twice for one decision', async () => {
    // The dry-run service decides to scale on every tick and records it, without writing:
    // its decisions count the ticks. The auto service's demand toggles, so it is written to.
    const setup = database.connect();
    await migrate(setup);
    await setup.transaction(trx =>
      new PolicyStore(setup).write(trx, {
        target: { level: 'service', name: 'component:default/web-dry' },
        expectedVersion: 0,
        override: { mode: 'dry-run' },
        actor: 'user:default/test',
        at: new Date().toISOString(),
        reason: 'ticks counter',
      }),
    );

    const runs: Run[] = [];
    const first = await startReplica('first', database.connect(), sims, runs);
    backends.push(first);
    const second = await startReplica('second', database.connect(), sims, runs);
    backends.push(second);

    let high = false;
    toggle = setInterval(() => {
      high = !high;
      for (const sim of sims)
        sim.setDemand(NAMESPACE, 'web-auto', high ? 450 : 60);
    }, 2_500);

    const evaluations = (backend: string) =>
      runs.filter(
        r =>
          r.backend === backend && r.taskId.startsWith('autoscaling-evaluate-'),
      ).length;
    const ticksOf = (cluster: string, since = 0) =>
      runs.filter(
        r =>
          r.taskId === `autoscaling-evaluate-${cluster}` &&
          r.start >= since &&
          r.end,
      ).length;

    // Both replicas up: they share one schedule.
    await waitFor(
      'shared ticks',
      () => CLUSTERS.every(c => ticksOf(c) >= SHARED_TICKS),
      120_000,
    );
    // The busier replica stops (a rolling restart); the other carries on alone.
    const [stopped, survivor] =
      evaluations('first') >= evaluations('second')
        ? ['first', 'second']
        : ['second', 'first'];
    const stoppedIndex = stopped === 'first' ? 0 : 1;
    await backends[stoppedIndex]!.stop();
    backends[stoppedIndex] = undefined;
    await waitFor(
      'the stopped replica',
      () => runs.every(r => r.backend !== stopped || r.end !== undefined),
      30_000,
    );
    const stoppedAt = Date.now();
    await waitFor(
      'ticks after the stop',
      () => CLUSTERS.every(c => ticksOf(c, stoppedAt) >= ALONE_TICKS),
      90_000,
    );

    clearInterval(toggle);
    toggle = undefined;
    await backends[1 - stoppedIndex]!.stop();
    backends[1 - stoppedIndex] = undefined;
    await waitFor(
      'the last runs',
      () => runs.every(r => r.end !== undefined),
      30_000,
    );

    // Both replicas evaluated (the one stopped was the busier one).
    expect(evaluations(stopped)).toBeGreaterThan(0);
    expect(evaluations(survivor)).toBeGreaterThan(0);

    const db = setup;
    for (const [i, cluster] of CLUSTERS.entries()) {
      const clusterRuns = runs
        .filter(r => r.taskId === `autoscaling-evaluate-${cluster}`)
        .sort((a, b) => a.start - b.start);
      expect(clusterRuns.filter(r => r.error)).toEqual([]);

      // Many ticks; the survivor took the cluster over after the stop.
      expect(clusterRuns.length).toBeGreaterThanOrEqual(
        SHARED_TICKS + ALONE_TICKS,
      );
      const byBackend = (name: string) =>
        clusterRuns.filter(r => r.backend === name);
      expect(
        byBackend(survivor).filter(r => r.start >= stoppedAt).length,
      ).toBeGreaterThanOrEqual(ALONE_TICKS);
      expect(byBackend(stopped).filter(r => r.start > stoppedAt)).toEqual([]);

      // Never two runs of one cluster at once, across both replicas.
      for (let k = 1; k < clusterRuns.length; k++) {
        expect(clusterRuns[k].start).toBeGreaterThanOrEqual(
          clusterRuns[k - 1].end!,
        );
      }
      // At most one run per period: the schedule advances by the interval after each run
      // (two replicas each running every period would give about twice as many).
      const span =
        clusterRuns[clusterRuns.length - 1].start - clusterRuns[0].start;
      expect(clusterRuns.length).toBeLessThanOrEqual(
        Math.floor(span / (INTERVAL_SECONDS * 1000)) + 2,
      );

      // The store holds exactly one tick record per run: the dry-run decision of that tick.
      const dryId = `${cluster}/${NAMESPACE}/Deployment/web-dry`;
      const ticks = (
        await db('decisions').where({ workload_id: dryId }).orderBy('at')
      ).map(row => ({
        at: Number(row.at),
        kind: row.kind,
        outcome: row.outcome,
      }));
      expect(ticks.length).toBe(clusterRuns.length);
      for (const [k, tick] of ticks.entries()) {
        expect(tick).toEqual({
          at: expect.any(Number),
          kind: 'scale',
          outcome: 'dry-run',
        });
        expect(tick.at).toBeGreaterThanOrEqual(clusterRuns[k].start);
        expect(tick.at).toBeLessThanOrEqual(clusterRuns[k].end!);
      }
      expect(new Set(ticks.map(t => t.at)).size).toBe(ticks.length);

      // Requests seen by the simulator: no write at all for the dry-run service; for the
      // auto service exactly one successful scale write per applied decision. A 409 (the
      // simulator's controllers bump the resourceVersion as pods become ready) is followed
      // by a re-read, never by a blind retry.
      const scalePath = (name: string) =>
        `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}/scale`;
      const log = sims[i].requests();
      const writesTo = (name: string) =>
        log.filter(r => r.method !== 'GET' && r.path === scalePath(name));
      expect(writesTo('web-dry')).toEqual([]);
      const autoLog = log.filter(r => r.path === scalePath('web-auto'));
      const writes = writesTo('web-auto');
      expect(writes.filter(r => r.status !== 200 && r.status !== 409)).toEqual(
        [],
      );
      const afterConflicts = autoLog.flatMap((entry, k) =>
        entry.method !== 'GET' && entry.status === 409
          ? [autoLog[k + 1]?.method]
          : [],
      );
      expect(afterConflicts.every(method => method === 'GET')).toBe(true);

      const autoId = `${cluster}/${NAMESPACE}/Deployment/web-auto`;
      const autoDecisions = await db('decisions')
        .where({ workload_id: autoId })
        .orderBy('at');
      const applied = autoDecisions.filter(d => d.outcome === 'applied');
      expect(autoDecisions.filter(d => d.outcome === 'failed')).toEqual([]);
      expect(applied.length).toBeGreaterThanOrEqual(3);
      expect(writes.filter(r => r.status === 200).length).toBe(applied.length);
      // At most one decision per tick, and every applied one moved the workload from where
      // the previous one left it (no write repeated or raced another).
      expect(new Set(autoDecisions.map(d => String(d.at))).size).toBe(
        autoDecisions.length,
      );
      for (let k = 1; k < applied.length; k++) {
        expect(applied[k].from_replicas).toBe(applied[k - 1].to_replicas);
        expect(applied[k].to_replicas).not.toBe(applied[k].from_replicas);
      }
      const deployment = sims[i].sim.store
        .list('apps/deployments')
        .find(o => o.metadata.name === 'web-auto')!;
      expect(deployment.spec?.replicas).toBe(
        applied[applied.length - 1].to_replicas,
      );

      // Each applied decision was audited once by the replica that made it.
      const audits = await db('audit_events').where({
        action: 'engine.actuate',
      });
      expect(
        audits.filter(a => JSON.parse(a.before_json).workload === autoId)
          .length,
      ).toBe(applied.length);
    }
  });
});
