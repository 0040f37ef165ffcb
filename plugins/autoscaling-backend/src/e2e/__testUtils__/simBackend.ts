/**
 * Shared set-up for end-to-end tests against the simulated cluster: cluster-sim on a manual
 * clock, the real backend (createAutoscalingService) on in-memory SQLite, and the real
 * @kubernetes/client-node client (KubernetesClusterClient) talking HTTP to the simulator.
 * Time only moves when a test calls `tick`, so ticks are fast and every request a tick makes
 * carries that tick's simulated time in the simulator's request log.
 */
import type { LifecycleService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  startClusterSim,
  type RequestLogEntry,
  type RunningClusterSim,
} from '@internal/cluster-sim';
import type {
  Decision,
  EngineStatus,
} from '@internal/plugin-autoscaling-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import type { ClusterConfig } from '../../clusters/readClusters';
import { KubernetesClusterClient } from '../../kubernetes/KubernetesClusterClient';
import type { ClusterClient } from '../../kubernetes/types';
import { createAutoscalingService } from '../../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './entities';
import { mockAutoscalingDependencies } from './services';
import { simClustersConfig } from './simClusters';

export const CLUSTER = 'sim-e2e';
export const NAMESPACE = 'acme-production';
export const WORKLOAD = 'checkout-api';
export const WORKLOAD_ID = `${CLUSTER}/${NAMESPACE}/Deployment/${WORKLOAD}`;

/**
 * scaler-token may read everything and write the scale subresource; readonly-token only reads;
 * configmaps-token may read nothing the engine needs (403 on every request it makes).
 */
export const SIM_CONFIG = `
cluster: { name: ${CLUSTER} }
clock: { start: '2026-01-05T09:00:00Z' }
faults: { seed: 11 }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
  - token: readonly-token
    user: system:serviceaccount:autoscaling:viewer
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
  - token: configmaps-token
    user: system:serviceaccount:autoscaling:other
    rules:
      - { verbs: [get], resources: [configmaps] }
workloads:
  - name: ${WORKLOAD}
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: ${WORKLOAD} }
    resources: { requests: { cpu: 500m, memory: 256Mi } }
    capacityPerPod: 100
    startupSeconds: 20
    demand: 80
`;

export function cpuPolicy(mode: 'auto' | 'dry-run' | 'forecast-only' | 'off') {
  return {
    minReplicas: 2,
    maxReplicas: 40,
    mode,
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        policies: [{ type: 'Pods', value: 2, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 120,
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    },
  };
}

const ENTITIES: Entity[] = [
  serviceComponent({
    name: WORKLOAD,
    namespace: NAMESPACE,
    environment: 'production',
  }),
  ACME_TENANT,
];

/**
 * A ClusterClient that delegates to a real KubernetesClusterClient whose ServiceAccount token
 * a test can swap (e.g. to a read-only token, so every write gets 403 Forbidden).
 */
class TokenSwitchingClient implements ClusterClient {
  private current: KubernetesClusterClient;
  constructor(private readonly cluster: ClusterConfig) {
    this.current = new KubernetesClusterClient(cluster);
  }
  useToken(token: string) {
    // The replaced client's watches end with it.
    void this.current.stop();
    this.current = new KubernetesClusterClient({
      ...this.cluster,
      serviceAccountToken: token,
    });
  }
  stop() {
    return this.current.stop();
  }
  listWorkloads: ClusterClient['listWorkloads'] = o =>
    this.current.listWorkloads(o);
  getScale: ClusterClient['getScale'] = w => this.current.getScale(w);
  replaceScale: ClusterClient['replaceScale'] = (w, r, v) =>
    this.current.replaceScale(w, r, v);
  listPods: ClusterClient['listPods'] = (n, s) => this.current.listPods(n, s);
  podMetrics: ClusterClient['podMetrics'] = (n, s) =>
    this.current.podMetrics(n, s);
  disruptionBudgetsBlocking: ClusterClient['disruptionBudgetsBlocking'] = (
    n,
    s,
  ) => this.current.disruptionBudgetsBlocking(n, s);
  listOtherAutoscalers: ClusterClient['listOtherAutoscalers'] = () =>
    this.current.listOtherAutoscalers();
}

const isoOf = (ms: number) => new Date(ms).toISOString();

export async function startSimBackend(options: {
  mode: 'auto' | 'dry-run' | 'forecast-only' | 'off';
  simConfig?: string;
  /** The catalog (default: checkout-api and the acme tenant). */
  entities?: Entity[];
  /** Receives the backend's shutdown hooks (the deferred rows' flush). */
  lifecycle?: LifecycleService;
}) {
  const sim: RunningClusterSim = await startClusterSim({
    config: options.simConfig ?? SIM_CONFIG,
    clock: 'manual',
  });
  const knex: Knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const config = mockServices.rootConfig({
    data: {
      kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
      autoscaling: { policies: { globalDefault: cpuPolicy(options.mode) } },
    },
  });
  const sent: Array<Parameters<NotificationService['send']>[0]> = [];
  const notifications: NotificationService = {
    send: async notification => {
      sent.push(notification);
    },
  };
  let client: TokenSwitchingClient | undefined;
  const service = await createAutoscalingService({
    ...mockAutoscalingDependencies(),
    config,
    database: { getClient: async () => knex },
    catalog: catalogServiceMock({ entities: options.entities ?? ENTITIES }),
    notifications,
    clientFactory: cluster => {
      client = new TokenSwitchingClient(cluster as ClusterConfig);
      return client;
    },
    clock: () => sim.now(),
    lifecycle: options.lifecycle,
  });
  const evaluator = service.evaluators.get(CLUSTER)!;
  const health = service.health.get(CLUSTER)!;
  const app = express().use(service.router);

  return {
    sim,
    knex,
    service,
    evaluator,
    health,
    app,
    /** Every notification the backend sent. */
    notifications: sent,
    /** The circuit breaker's notifications. */
    circuitNotifications: () =>
      sent.filter(n => n.payload.topic === 'autoscaling-circuit'),
    /** Swaps the ServiceAccount token the backend's client sends. */
    useToken: (token: string) => client!.useToken(token),
    /** Moves simulated time, then runs one evaluation tick at the new time. */
    async tick(seconds = 15) {
      sim.advance(seconds);
      const at = sim.now();
      const result = await evaluator.tick(at);
      return { at, ...result };
    },
    /** Requests the simulator received at simulated time `at`. */
    requestsAt: (at: number): RequestLogEntry[] =>
      sim.requests().filter(r => r.time === at),
    /** Writes (anything but GET) that reached the Kubernetes API, i.e. not the /sim admin API. */
    kubernetesWrites: (): RequestLogEntry[] =>
      sim
        .requests()
        .filter(r => r.method !== 'GET' && !r.path.startsWith('/sim')),
    /** Decision rows of the workload, oldest first. */
    async decisions(): Promise<Decision[]> {
      return (
        await service.store.listDecisions(WORKLOAD_ID, { limit: 10_000 })
      ).reverse();
    },
    async decisionsAt(at: number): Promise<Decision[]> {
      return (await this.decisions()).filter(d => d.at === isoOf(at));
    },
    /** spec.replicas of the Deployment inside the simulator. */
    specReplicas(): number {
      const deployment = sim.sim.store
        .list('apps/deployments')
        .find(
          o =>
            o.metadata.namespace === NAMESPACE && o.metadata.name === WORKLOAD,
        );
      return deployment?.spec?.replicas as number;
    },
    async engineStatus(): Promise<EngineStatus> {
      const response = await request(app).get('/engine/status');
      if (response.status !== 200)
        throw new Error(`GET /engine/status: ${response.status}`);
      return response.body as EngineStatus;
    },
    async stop() {
      await client?.stop();
      await sim.stop();
      await knex.destroy();
    },
  };
}

export type SimBackend = Awaited<ReturnType<typeof startSimBackend>>;

export const isScaleWrite = (r: RequestLogEntry) =>
  r.method === 'PUT' && /\/deployments\/[^/]+\/scale$/.test(r.path);
