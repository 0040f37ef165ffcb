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
import {
  autoscalingCostReadPermission,
  autoscalingStateReadPermission,
} from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';
import { createCostRoutes } from '../../cost/costRoutes';
import {
  checkout,
  ledger,
  service as costService,
} from '../../cost/testFixtures';
import { requireBasicPermission } from '../../service/requireBasicPermission';
import { EngineStore, type StoredWorkload } from '../../store/EngineStore';
import type { TenantInfo } from '../../workloads/WorkloadDiscovery';
import { createGovernance, type Governance } from '../index';
import { migrationsDir } from './database';
import { testEntities } from './fixtures';
import { rolePolicyPermissions } from './rolePolicy';

/** Workload ids of the cost routes' fixtures (with `costRoutes: true`). */
export const CHECKOUT_WORKLOAD = 'a/acme-prod/Deployment/checkout-api';
export const LEDGER_WORKLOAD = 'b/globex-prod/Deployment/ledger-api';

const TEST_TENANTS = new Map<string, TenantInfo>(
  [
    ['acme', 'enterprise', 60, 9000],
    ['globex', 'premium', 30, 4000],
    ['initech', 'basic', 12, 1200],
  ].map(([name, tier, replicaQuota, monthlyBudget]) => [
    name as string,
    {
      name: name as string,
      entityRef: `group:default/${name}`,
      tier: tier as TenantInfo['tier'],
      replicaQuota: replicaQuota as number,
      monthlyBudget: monthlyBudget as number,
    },
  ]),
);

/**
 * The cost routes wired as createAutoscalingService wires them (state read for the route,
 * autoscaling.cost.read on the tenant or service), over checkout-api (acme) and ledger-api
 * (globex) in the engine store.
 */
async function mountCostRoutes(
  knex: Knex,
  governance: Governance,
  deps: { httpAuth: any; permissions: any; httpRouter: any },
) {
  const store = new EngineStore(knex);
  const save = (w: StoredWorkload) => {
    const { state, status, updatedAt, ...record } = w;
    return store.upsertWorkload(record, state, status, updatedAt);
  };
  const identity = (id: string, tenant: string) => {
    const [cluster, namespace, , name] = id.split('/');
    return {
      id,
      cluster,
      namespace,
      name,
      tenant,
      entityRef: `component:default/${name}`,
    };
  };
  await save({ ...checkout(), ...identity(CHECKOUT_WORKLOAD, 'acme') });
  await save({ ...ledger(), ...identity(LEDGER_WORKLOAD, 'globex') });
  deps.httpRouter.use(
    createCostRoutes({
      store,
      costService: costService(),
      tenants: async () => TEST_TENANTS,
      authorize: async req => {
        await requireBasicPermission(deps, req, autoscalingStateReadPermission);
      },
      canReadCost: (req, entityRefs) =>
        governance.allowedOnTargets(
          req,
          autoscalingCostReadPermission,
          entityRefs,
        ),
    }),
  );
}

export interface TestBackendOptions {
  knex?: Knex;
  notifications?: NotificationService;
  demandHistory?: (
    entityRef: string,
  ) => Promise<Array<{ t: number; value: number }>>;
  /** Use the demo role policy (default) or a fixed decision. */
  permissions?: 'roles' | 'allow' | 'deny';
  config?: Record<string, unknown>;
  /** Also mount the cost routes over two stored workloads (checkout-api, ledger-api). */
  costRoutes?: boolean;
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
          if (options.costRoutes) await mountCostRoutes(knex, governance, deps);
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
    mockServices.rootConfig.factory({
      data: { permission: { enabled: true }, ...options.config },
    }),
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
