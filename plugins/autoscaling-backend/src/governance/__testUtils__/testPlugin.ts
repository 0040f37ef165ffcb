/**
 * A minimal backend plugin that mounts only the governance part, the way plugin.ts does,
 * for route tests with startTestBackend.
 */
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationService,
} from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import { createGovernance, type Governance } from '../index';
import { migrationsDir } from './database';
import { testEntities } from './fixtures';
import { rolePolicyPermissions } from './rolePolicy';

export interface TestBackendOptions {
  knex?: Knex;
  notifications?: NotificationService;
  demandHistory?: (entityRef: string) => Promise<Array<{ t: number; value: number }>>;
  /** Use the demo role policy (default) or a fixed decision. */
  permissions?: 'roles' | 'allow' | 'deny';
  config?: Record<string, unknown>;
  onGovernance?: (governance: Governance) => void;
}

export function governanceTestFeatures(options: TestBackendOptions = {}) {
  const plugin = createBackendPlugin({
    pluginId: 'autoscaling',
    register(env) {
      env.registerInit({
        deps: {
          database: coreServices.database,
          logger: coreServices.logger,
          config: coreServices.rootConfig,
          catalog: catalogServiceRef,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          httpAuth: coreServices.httpAuth,
          userInfo: coreServices.userInfo,
          auth: coreServices.auth,
          auditor: coreServices.auditor,
          httpRouter: coreServices.httpRouter,
          notifications: notificationService,
        },
        async init(deps) {
          const knex = await deps.database.getClient();
          await knex.migrate.latest({ directory: migrationsDir });
          const governance = await createGovernance({
            ...deps,
            knex,
            demandHistory: options.demandHistory ?? (async () => []),
          });
          options.onGovernance?.(governance);
          deps.httpRouter.use(governance.router);
        },
      });
    },
  });

  const features: any[] = [
    plugin,
    catalogServiceMock.factory({ entities: testEntities }),
    createServiceFactory({
      service: notificationService,
      deps: {},
      factory: () => options.notifications ?? { send: async () => {} },
    }),
    mockServices.rootConfig.factory({ data: { permission: { enabled: true }, ...options.config } }),
  ];
  if (options.knex) {
    features.push(mockServices.database.factory({ knex: options.knex }));
  }
  const mode = options.permissions ?? 'roles';
  if (mode === 'roles') {
    features.push(
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => rolePolicyPermissions(),
      }),
    );
  } else {
    features.push(
      mockServices.permissions.factory({
        result: mode === 'allow' ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }),
    );
  }
  return features;
}
