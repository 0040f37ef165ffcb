/**
 * The real autoscaling backend (createAutoscalingService) against cluster-sim on a manual clock,
 * sending its notifications to the real notifications backend of `startChannels`. Each `tick`
 * runs the cluster's evaluation and then the alert rules, as the scheduled task does.
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type { JsonObject } from '@backstage/types';
import knexFactory, { type Knex } from 'knex';
import type { ClusterConfig } from '../../clusters/readClusters';
import { KubernetesClusterClient } from '../../kubernetes/KubernetesClusterClient';
import type { ClusterClient } from '../../kubernetes/types';
import { createAutoscalingService } from '../../service/createAutoscalingService';
import { mockAutoscalingDependencies } from '../../e2e/__testUtils__/services';
import { simClustersConfig } from '../../e2e/__testUtils__/simClusters';

export const ALERT_CLUSTER = 'sim-alerts';

/** Entities with the relations the catalog would compute (owners, members). */
export function alertEntities(options: {
  workload: string;
  namespace: string;
  environment?: string;
}): Entity[] {
  const user = (name: string, email: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { email } },
  });
  const group = (
    name: string,
    members: string[],
    extra: Partial<Entity['metadata']> = {},
    type = 'team',
  ): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', ...extra },
    spec: { type, children: [] },
    relations: members.map(m => ({
      type: 'hasMember',
      targetRef: `user:default/${m}`,
    })),
  });
  return [
    user('alice', 'alice@acme.test'),
    user('tom', 'tom@acme.test'),
    user('pat', 'pat@platform.test'),
    group('acme-checkout', ['alice']),
    group('platform-team', ['pat']),
    group(
      'acme',
      ['tom'],
      {
        annotations: {
          'autoscaling.io/tier': 'enterprise',
          'autoscaling.io/replica-quota': '60',
        },
      },
      'tenant',
    ),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: options.workload,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': options.workload,
          'backstage.io/kubernetes-namespace': options.namespace,
          'autoscaling.io/tenant': 'acme',
          'autoscaling.io/environment': options.environment ?? 'production',
        },
      },
      spec: {
        type: 'service',
        owner: 'group:default/acme-checkout',
        lifecycle: 'production',
      },
      relations: [
        { type: 'ownedBy', targetRef: 'group:default/acme-checkout' },
      ],
    },
  ];
}

export async function startAlertBackend(options: {
  simConfig: string;
  entities: Entity[];
  notifications: NotificationService;
  autoscaling: JsonObject;
  knex?: Knex;
  sim?: RunningClusterSim;
}) {
  const sim =
    options.sim ??
    (await startClusterSim({ config: options.simConfig, clock: 'manual' }));
  const knex =
    options.knex ??
    knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
  const sent: NotificationSendOptions[] = [];
  let token = 'scaler-token';
  let cluster: ClusterConfig | undefined;
  let current: KubernetesClusterClient | undefined;
  const clientFor = () => {
    if (!current)
      current = new KubernetesClusterClient({
        ...cluster!,
        serviceAccountToken: token,
      });
    return current;
  };
  // Delegates every call to a real client with the token of the moment.
  const client = new Proxy(
    {},
    {
      get:
        (_target, prop) =>
        (...args: unknown[]) =>
          (clientFor() as any)[prop](...args),
    },
  ) as ClusterClient;
  const service = await createAutoscalingService({
    ...mockAutoscalingDependencies(),
    config: mockServices.rootConfig({
      data: {
        kubernetes: simClustersConfig([{ name: ALERT_CLUSTER, url: sim.url }]),
        autoscaling: options.autoscaling,
      },
    }),
    database: { getClient: async () => knex },
    catalog: catalogServiceMock({ entities: options.entities }),
    notifications: {
      send: async notification => {
        sent.push(notification);
        await options.notifications.send(notification);
      },
    },
    clientFactory: c => {
      cluster = c as ClusterConfig;
      return client;
    },
    clock: () => sim.now(),
  });
  const evaluator = service.evaluators.get(ALERT_CLUSTER)!;
  return {
    sim,
    knex,
    service,
    /** Every notification the autoscaling backend sent. */
    sent,
    sentTitles: () => sent.map(n => n.payload.title),
    useToken(next: string) {
      token = next;
      current = undefined;
    },
    /** Moves simulated time, then one tick and the alert rules after it (the scheduled task). */
    async tick(seconds = 15) {
      sim.advance(seconds);
      const at = sim.now();
      const result = await evaluator.tick(at);
      const notices = await service.alerts.evaluateCluster(ALERT_CLUSTER, at);
      return { at, ...result, notices };
    },
    circuit: () => service.health.get(ALERT_CLUSTER)!.circuit,
    async stop(options2: { keepDatabase?: boolean; keepSim?: boolean } = {}) {
      if (!options2.keepSim) await sim.stop();
      if (!options2.keepDatabase) await knex.destroy();
    },
  };
}

export type AlertBackend = Awaited<ReturnType<typeof startAlertBackend>>;
