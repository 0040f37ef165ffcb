import {
  AuditorService,
  AuthService,
  CacheService,
  DatabaseService,
  HttpAuthService,
  LifecycleService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { HealthResponse } from '@internal/plugin-autoscaling-common';
import type {
  ActuationTarget,
  MetricSource,
} from '@internal/plugin-autoscaling-node';
import express from 'express';
import Router from 'express-promise-router';
import { readClusters } from '../clusters/readClusters';
import { actuationTargetClusters } from '../clusters/actuationTargets';
import { ClusterEvaluator } from '../evaluation/ClusterEvaluator';
import { ClusterHealth } from '../evaluation/ClusterHealth';
import { scheduleEvaluation } from '../evaluation/EvaluationScheduler';
import { ClusterHealthStore } from '../store/ClusterHealthStore';
import { AlertService } from '../alerts/AlertService';
import { readAlertConfig } from '../alerts/config';
import type { AuditSink, PolicyProvider } from '../evaluation/types';
import { KubernetesClusterClient } from '../kubernetes/KubernetesClusterClient';
import type { ClusterClient } from '../kubernetes/types';
import { collectMetricSources } from '../metrics/collectMetricSources';
import {
  PrometheusHistory,
  readPrometheusHistoryConfig,
} from '../metrics/PrometheusHistory';
import { createForecastRoutes } from './forecastRoutes';
import { createMetricSourceRoutes } from './metricSourceRoutes';
import { EngineStore } from '../store/EngineStore';
import { migrate } from '../store/migrate';
import { WorkloadDiscovery } from '../workloads/WorkloadDiscovery';
import { createEngineRoutes } from './engineRoutes';
import { KillSwitch } from './KillSwitch';
import { ManualScaler } from './ManualScaler';
import { createGovernance, readGovernanceConfig } from '../governance';
import { ENGINE_ACTOR } from '../evaluation/verticalActuator';
import {
  describeChange,
  proposeMinAllowed,
  VERTICAL_GUARDRAIL_INCREASE,
} from '../evaluation/verticalActuation';
import {
  CostService,
  createCostRoutes,
  readBudgetSettings,
  readPriceCatalog,
} from '../cost';
import {
  autoscalingCostReadPermission,
  autoscalingStateReadPermission,
} from '@internal/plugin-autoscaling-common';
import { requireBasicPermission } from './requireBasicPermission';
import { CachedPermissions } from '../permissions/CachedPermissions';
import { demandHistoryFor } from './demandHistory';

export interface AutoscalingServiceOptions {
  logger: LoggerService;
  config: RootConfigService;
  database: DatabaseService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  /** Caches permission decisions per principal for a few seconds (CachedPermissions). */
  cache?: CacheService;
  permissionsRegistry: PermissionsRegistryService;
  auditor: AuditorService;
  catalog: CatalogService;
  notifications?: NotificationService;
  /** The sources backend modules added through the metric-source extension point. */
  extraMetricSources?: MetricSource[];
  /** Hosts of other target kinds (Docker Compose, ...), evaluated and listed like clusters. */
  actuationTargets?: ActuationTarget[];
  /** Replaces the cluster client (tests inject one talking to the simulator). */
  clientFactory?: (cluster: { name: string; url: string }) => ClusterClient;
  /** Replaces fetch for the Prometheus history reader (tests). */
  fetch?: typeof fetch;
  clock?: () => number;
  /** Writes the rows ticks deferred (evaluation/rowCheckpoint.ts) when the backend stops. */
  lifecycle?: LifecycleService;
}

/** Builds the whole backend from Backstage services; plugin.ts only wires it in. */
export async function createAutoscalingService(
  options: AutoscalingServiceOptions,
) {
  const { logger, config, httpAuth } = options;
  // The read routes ask for decisions on every request; a short per-principal cache keeps the
  // permission backend's HTTP round trip off most of them (permissions/CachedPermissions.ts).
  const permissions = options.cache
    ? new CachedPermissions(options.permissions, options.cache, {
        ttlMs: readGovernanceConfig(config).decisionCacheSeconds * 1000,
      })
    : options.permissions;
  const clock = options.clock ?? Date.now;
  const knex = await options.database.getClient();
  if (!options.database.migrations?.skip) await migrate(knex);

  // A replica that does not evaluate serves the API while another process writes the rows.
  const evaluate =
    config.getOptionalBoolean('autoscaling.evaluationEnabled') ?? true;
  // On SQLite (one process) the store answers workload reads from memory (see EngineStore).
  const store = new EngineStore(knex, evaluate ? {} : { soleWriter: false });
  const healthStore = new ClusterHealthStore(knex);
  if (!evaluate) {
    logger.info(
      'autoscaling.evaluationEnabled is false: this replica serves the API and evaluates no cluster; another backend on the same database must',
    );
  }
  options.lifecycle?.addShutdownHook(async () => {
    const rows = await store.flushDeferred(clock());
    logger.info(`Wrote ${rows} workload rows held since their checkpoint`);
  });
  const { clusters, skipped } = readClusters(config);
  for (const s of skipped)
    logger.warn(`Cluster ${s.name} is not managed: ${s.reason}`);
  const targets = actuationTargetClusters(
    options.actuationTargets ?? [],
    clusters,
  );
  clusters.push(...targets.clusters);

  // One cost model: the cost card, the guardrails' cost ceilings and the backtests price a
  // replica the same way (governance/pricing.ts).
  const costService = new CostService({
    catalog: readPriceCatalog(config),
    budgets: readBudgetSettings(config),
    clock,
  });
  const alertConfig = readAlertConfig(config);
  // Change-request messages pass through the alert service (built below, once the clusters'
  // health exists): per-event topics, and the approvers told when a request is decided.
  const alertHolder: { service?: AlertService } = {};
  const changeRequestNotifications: NotificationService = {
    send: async request => {
      await alertHolder.service?.changeRequestNotifications().send(request);
    },
  };
  const governance = await createGovernance({
    knex,
    logger,
    config,
    catalog: options.catalog,
    permissions,
    permissionsRegistry: options.permissionsRegistry,
    httpAuth,
    userInfo: options.userInfo,
    auth: options.auth,
    auditor: options.auditor,
    notifications: changeRequestNotifications,
    demandHistory: entityRef => demandHistoryFor(store, entityRef, clock()),
    pricing: {
      currency: costService.currency,
      replicaHourly: async entityRef =>
        (await store.listWorkloads({ entityRef }))
          .map(w => costService.replicaHourly(w))
          .filter((p): p is number => p !== null),
    },
    clock: () => new Date(clock()),
  });
  const audit: AuditSink = governance.auditLog;
  const policies: PolicyProvider = {
    effectivePolicy: async record =>
      (await governance.policies.getEffectivePolicy(record.entityRef)).policy,
    // A tick reads its cluster's policies with one read of the documents.
    effectivePolicies: async records =>
      (
        await governance.policies.getEffectivePolicies(
          records.map(r => r.entityRef),
        )
      ).map(found => (found instanceof Error ? found : found.policy)),
  };
  const killSwitch = new KillSwitch(
    store,
    audit,
    config.getOptionalBoolean('autoscaling.killSwitch') ?? false,
    clock,
  );

  // Every source (Prometheus included) comes from a backend module on the extension point.
  const metricSources = collectMetricSources(
    config,
    options.extraMetricSources ?? [],
    logger,
  );

  const clients = new Map<string, ClusterClient>(
    clusters.map(c => [
      c.name,
      targets.clients.get(c.name) ??
        options.clientFactory?.(c) ??
        new KubernetesClusterClient(c),
    ]),
  );
  const clientFor = (name: string) => {
    const client = clients.get(name);
    // A stored workload of a cluster since removed from the configuration: a conflict between
    // the stored state and the configuration (409 naming the cluster), not a server fault.
    if (!client) {
      throw new ConflictError(
        `Cluster '${name}' is not registered (kubernetes.clusterLocatorMethods): its workloads cannot be scaled`,
      );
    }
    return client;
  };
  const discovery = new WorkloadDiscovery(
    options.catalog,
    options.auth,
    logger,
  );
  const { approverGroup } = governance;
  const governanceSettings = readGovernanceConfig(config);
  const historyConfig = readPrometheusHistoryConfig(config);
  const demandHistory = historyConfig
    ? new PrometheusHistory(historyConfig, options.fetch ?? fetch)
    : undefined;
  const retentionDays =
    config.getOptionalNumber('autoscaling.historyRetentionDays') ?? 14;
  const health = new Map(clusters.map(c => [c.name, new ClusterHealth()]));
  const alerts = new AlertService({
    knex,
    store,
    config: alertConfig,
    logger: logger.child({ task: 'alerts' }),
    notifications: options.notifications,
    approverGroup,
    productionEnvironments:
      governanceSettings.guardrails.productionEnvironments,
    tenants: () => discovery.tenants(),
    cost: costService,
    health,
    clock,
  });
  alertHolder.service = alerts;
  const evaluators = new Map(
    clusters.map(cluster => [
      cluster.name,
      new ClusterEvaluator({
        cluster,
        client: clientFor(cluster.name),
        store,
        discovery,
        policies,
        audit,
        metricSources,
        demandHistory,
        startupSeconds: config.getOptionalNumber(
          'autoscaling.predictive.startupSeconds',
        ),
        refitEverySeconds: config.getOptionalNumber(
          'autoscaling.predictive.refitEverySeconds',
        ),
        historyRetentionDays: retentionDays,
        health: health.get(cluster.name)!,
        logger: logger.child({ cluster: cluster.name }),
        killSwitch: () => killSwitch.get(),
        globalMaxReplicas: config.getOptionalNumber(
          'autoscaling.globalMaxReplicas',
        ),
        cost: costService,
        concurrency: config.getOptionalNumber(
          'autoscaling.evaluationConcurrency',
        ),
        stateCheckpointSeconds: config.getOptionalNumber(
          'autoscaling.stateCheckpointSeconds',
        ),
        productionEnvironments:
          governanceSettings.guardrails.productionEnvironments,
        requestVerticalChange: async ({ entityRef, changes, reason }) => {
          const request = await governance.requestEngineChange({
            entityRef,
            actor: { ref: ENGINE_ACTOR },
            reason,
            finding: {
              code: 'PRODUCTION_BOUNDS_CHANGE',
              message: `vertical raise of more than +${Math.round(
                VERTICAL_GUARDRAIL_INCREASE * 100,
              )}% of a production service's requests: ${changes
                .map(describeChange)
                .join(', ')}`,
              path: `vertical.minAllowed.${changes[0].resource}`,
            },
            propose: current => proposeMinAllowed(current, changes),
          });
          return request.id;
        },
        // Budget thresholds are alert rules (budget-projected-100 and the others), evaluated
        // after the tick; the circuit alert goes out in the tick that opens the breaker.
        onCircuitOpened: async (name, error) => {
          await alerts.circuitOpened(name, error);
        },
      }),
    ]),
  );

  const manualScaler = new ManualScaler(
    store,
    clientFor,
    policies,
    audit,
    async () => (await killSwitch.get()).enabled,
    clock,
  );

  const router = Router();
  // One body limit for every route, the one the OpenAPI documents promise (413 above); the
  // governance router's own parser never sees a body this one has parsed.
  router.use(express.json({ limit: '256kb' }));
  router.get('/health', async (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      engine: {
        killSwitch: (await killSwitch.get()).enabled,
        clusters: clusters.length,
        workloads: (await store.listWorkloads()).length,
      },
    };
    res.json(body);
  });
  router.use(governance.router);
  router.use(
    createCostRoutes({
      store,
      costService,
      tenants: () => discovery.tenants(),
      clusters: () => clusters.map(c => c.name),
      authorize: async req => {
        await requireBasicPermission(
          { httpAuth, permissions },
          req,
          autoscalingStateReadPermission,
        );
      },
      // Cost and budget: the tenant's members, the service's owners, the platform team.
      canReadCost: (req, entityRefs) =>
        governance.allowedOnTargets(
          req,
          autoscalingCostReadPermission,
          entityRefs,
        ),
      clock,
    }),
  );
  router.use(
    createForecastRoutes({
      store,
      costService,
      tenants: () => discovery.tenants(),
      authorize: async req => {
        await requireBasicPermission(
          { httpAuth, permissions },
          req,
          autoscalingStateReadPermission,
        );
      },
      canReadCost: (req, entityRefs) =>
        governance.allowedOnTargets(
          req,
          autoscalingCostReadPermission,
          entityRefs,
        ),
      clock,
    }),
  );
  router.use(
    createEngineRoutes({
      store,
      clusters,
      health,
      healthStore,
      killSwitch,
      manualScaler,
      clientFor,
      httpAuth,
      permissions,
      authorizeTarget: (req, permission, entityRef) =>
        governance.authorizeTarget(req, permission, entityRef),
      clock,
      costService,
      canReadCost: (req, entityRefs) =>
        governance.allowedOnTargets(
          req,
          autoscalingCostReadPermission,
          entityRefs,
        ),
    }),
  );

  router.use(
    createMetricSourceRoutes({
      store,
      sources: metricSources,
      authorizeTarget: (req, permission, entityRef) =>
        governance.authorizeTarget(req, permission, entityRef),
    }),
  );

  await scheduleEvaluation({
    scheduler: options.scheduler,
    logger,
    evaluators,
    evaluate,
    health,
    healthStore,
    store,
    intervalSeconds:
      config.getOptionalNumber('autoscaling.evaluationIntervalSeconds') ?? 15,
    retentionDays,
    clock,
    afterTick: async (cluster, nowMs) => {
      await alerts.evaluateCluster(cluster, nowMs);
    },
  });

  return {
    router,
    store,
    evaluators,
    killSwitch,
    health,
    governance,
    costService,
    alerts,
  };
}
