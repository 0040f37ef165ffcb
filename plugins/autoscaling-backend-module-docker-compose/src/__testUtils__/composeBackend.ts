/**
 * The real autoscaling backend plugin with this module installed (as packages/backend installs
 * it), on the real scheduler of @backstage/backend-defaults, against a real Docker daemon.
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
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
// The tests install the module beside the plugin it extends, as packages/backend does.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import autoscalingPlugin from '@internal/plugin-autoscaling-backend';
import type { Knex } from 'knex';
import autoscalingModuleDockerCompose from '../index';

export const HOST = 'compose-e2e';

/** A Component linked to a Compose service by the label-selector annotation. */
export function composeComponent(project: string, service: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `${project}-${service}`,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-label-selector': `com.docker.compose.project=${project},com.docker.compose.service=${service}`,
        'autoscaling.io/tenant': 'acme',
        'autoscaling.io/environment': 'staging',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/acme-web',
      lifecycle: 'production',
    },
  };
}

export const ACME_TENANT: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'acme',
    namespace: 'default',
    annotations: {
      'autoscaling.io/tier': 'enterprise',
      'autoscaling.io/replica-quota': '60',
    },
  },
  spec: { type: 'tenant', children: [] },
};

/**
 * CPU utilisation of the container CPU limit, target 30%: one replica burning its whole limit
 * asks for four, so max 3 caps it; scale-down waits for a 5 s stabilisation window.
 */
export const COMPOSE_POLICY = {
  minReplicas: 1,
  maxReplicas: 3,
  mode: 'auto',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 30 },
    },
  ],
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Pods', value: 4, periodSeconds: 1 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 5,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }],
    },
  },
};

export interface Run {
  backend: string;
  taskId: string;
  start: number;
  end?: number;
  error?: unknown;
}

/** The real scheduler; task functions are wrapped to record which replica ran what, when. */
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
            const entry: Run = { backend, taskId: task.id, start: Date.now() };
            runs.push(entry);
            try {
              await task.fn(signal);
            } catch (error) {
              entry.error = error;
              throw error;
            } finally {
              entry.end = Date.now();
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

export function startComposeBackend(options: {
  name: string;
  knex: Knex;
  socketPath: string;
  entities: Entity[];
  runs: Run[];
  notifications?: Array<Parameters<NotificationService['send']>[0]>;
  policy?: unknown;
}) {
  return startTestBackend({
    features: [
      autoscalingPlugin,
      autoscalingModuleDockerCompose,
      observedScheduler(options.name, options.runs),
      mockServices.database.factory({ knex: options.knex }),
      catalogServiceMock.factory({ entities: options.entities }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async notification => {
            options.notifications?.push(notification);
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          autoscaling: {
            evaluationIntervalSeconds: 1,
            dockerHosts: [
              {
                name: HOST,
                socketPath: options.socketPath,
                stopTimeoutSeconds: 5,
              },
            ],
            policies: { globalDefault: options.policy ?? COMPOSE_POLICY },
          },
        },
      }),
    ],
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  describe?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${
          describe ? `; state: ${await describe()}` : ''
        }`,
      );
    }
    await sleep(250);
  }
}
