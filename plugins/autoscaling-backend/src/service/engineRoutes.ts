import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { makeValidator } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  autoscalingAdminPermission,
  autoscalingManualScalePermission,
  autoscalingStateReadPermission,
  type ClusterStatus,
  type EngineStatus,
  type EntityScalingState,
  type WorkloadHistory,
  type WorkloadRecommendations,
  type WorkloadSummary,
} from '@internal/plugin-autoscaling-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { ClusterConfig } from '../clusters/readClusters';
import type { CostService } from '../cost/CostService';
import {
  containerRecommendations,
  horizontalWithRecommendations,
} from '../cost/verticalRecommendations';
import type { WorkloadEngineState } from '../evaluation/ClusterEvaluator';
import { newerHealth, type ClusterHealth } from '../evaluation/ClusterHealth';
import { policyFromOtherAutoscaler } from '../governance/hpaImport';
import type { ClusterClient } from '../kubernetes/types';
import type { ClusterHealthStore } from '../store/ClusterHealthStore';
import { EngineStore, StoredWorkload } from '../store/EngineStore';
import { KillSwitch } from './KillSwitch';
import { ManualScaler } from './ManualScaler';
import { requireBasicPermission } from './requireBasicPermission';
import { parseBody, parseQuery } from './validation';

export interface EngineRoutesOptions {
  store: EngineStore;
  clusters: ClusterConfig[];
  health: ReadonlyMap<string, ClusterHealth>;
  healthStore: ClusterHealthStore;
  killSwitch: KillSwitch;
  manualScaler: ManualScaler;
  /** The cluster client of a registered cluster (reads another autoscaler's spec for an import). */
  clientFor: (cluster: string) => ClusterClient;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Throws NotAllowedError unless the user holds the resource permission on the entity. */
  authorizeTarget: (
    req: express.Request,
    permission: typeof autoscalingManualScalePermission,
    entityRef: string,
  ) => Promise<void>;
  clock?: () => number;
  /** Prices the recommendations like the cost card; without it monthlySavings is null. */
  costService?: CostService;
  /**
   * Whether the user may read cost (autoscaling.cost.read) on each entity; without it the
   * recommendations' savings are null, like the cost routes answer 403.
   */
  canReadCost?: (
    req: express.Request,
    entityRefs: string[],
  ) => Promise<boolean[]>;
}

const reason = z
  .string()
  .trim()
  .min(3, 'give a reason of at least 3 characters')
  .max(2000, 'must be at most 2000 characters');
const killSwitchBody = z.strictObject({ enabled: z.boolean(), reason });
const scaleBody = z.strictObject({
  replicas: z.number().int().min(0).max(10_000),
  reason,
});
const rollbackBody = z.strictObject({ reason });
const hoursQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 14)
  .default(24);
const workloadsQuery = z.object({
  tenant: z.string().max(255).optional(),
  cluster: z.string().max(255).optional(),
});
const entityValidators = makeValidator();

/** State, history, forecast, recommendations, engine status and the write actions. */
export function createEngineRoutes(
  options: EngineRoutesOptions,
): express.Router {
  const { store, httpAuth, permissions } = options;
  const clock = options.clock ?? Date.now;
  const router = Router();

  const requireBasic = (req: express.Request, permission: BasicPermission) =>
    requireBasicPermission({ httpAuth, permissions }, req, permission);

  async function workloadOr404(id: string): Promise<StoredWorkload> {
    const workload = await store.getWorkload(id);
    if (!workload) throw new NotFoundError(`No managed workload '${id}'`);
    return workload;
  }

  router.get('/engine/status', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const counts = new Map<string, number>();
    for (const w of await store.listWorkloads()) {
      counts.set(w.cluster, (counts.get(w.cluster) ?? 0) + 1);
    }
    // The newer of this replica's view and the one shared through the database by the replica
    // that ticked last (this one may serve the API only).
    const shared = await options.healthStore.loadAll();
    const clusters: ClusterStatus[] = options.clusters.map(cluster => {
      const health = newerHealth(
        options.health.get(cluster.name)?.snapshot(),
        shared.get(cluster.name),
      );
      return {
        name: cluster.name,
        url: cluster.url,
        kind: cluster.kind ?? 'kubernetes',
        circuit: health && health.openedAtMs !== null ? 'open' : 'closed',
        consecutiveFailures: health?.failures ?? 0,
        workloads: counts.get(cluster.name) ?? 0,
        lastTickAt: health?.lastTickAtMs
          ? new Date(health.lastTickAtMs).toISOString()
          : null,
        lastError: health?.lastError ?? null,
      };
    });
    const body: EngineStatus = {
      killSwitch: await options.killSwitch.get(),
      clusters,
    };
    res.json(body);
  });

  router.get('/clusters', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    res.json(
      options.clusters.map(c => ({
        name: c.name,
        title: c.title ?? c.name,
        url: c.url,
        kind: c.kind ?? 'kubernetes',
      })),
    );
  });

  router.put('/engine/kill-switch', async (req, res) => {
    const credentials = await requireBasic(req, autoscalingAdminPermission);
    const body = parseBody(killSwitchBody, req.body);
    const actor = httpAuthActor(credentials);
    res.json(await options.killSwitch.set(body.enabled, actor, body.reason));
  });

  router.get('/workloads', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const { tenant, cluster } = parseQuery(workloadsQuery, req.query);
    const workloads = await store.listWorkloads({ tenant, cluster });
    res.json(workloads.map(toSummary).filter(Boolean));
  });

  router.get('/entities/:namespace/:kind/:name/state', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const { namespace, kind, name } = req.params;
    if (!entityValidators.isValidKind(kind))
      throw new InputError('kind: must be an entity kind');
    if (!entityValidators.isValidNamespace(namespace)) {
      throw new InputError('namespace: must be an entity namespace');
    }
    if (!entityValidators.isValidEntityName(name))
      throw new InputError('name: must be an entity name');
    const entityRef = `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
    const body: EntityScalingState = {
      entityRef,
      workloads: await store.entityStatuses(entityRef),
    };
    res.json(body);
  });

  router.get('/workloads/:id/history', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const workload = await workloadOr404(req.params.id);
    const parsed = hoursQuery.safeParse(req.query.hours ?? undefined);
    if (!parsed.success)
      throw new InputError('hours: must be an integer between 1 and 336');
    const sinceMs = clock() - parsed.data * 3600_000;
    const body: WorkloadHistory = {
      workloadId: workload.id,
      points: await store.listMetricPoints(workload.id, sinceMs),
      decisions: await store.listDecisions(workload.id, {
        sinceMs,
        limit: 100,
      }),
    };
    res.json(body);
  });

  router.get('/workloads/:id/recommendations', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const workload = await workloadOr404(req.params.id);
    const [costAllowed] = options.canReadCost
      ? await options.canReadCost(req, [workload.entityRef])
      : [true];
    res.json(
      recommendationsOf(
        workload,
        costAllowed ? options.costService : undefined,
      ),
    );
  });

  // The HPA or ScaledObject that also scales the workload, read live, and its settings as the
  // service's policy override (the UI saves it through the policy route, guardrails and all).
  router.get('/workloads/:id/other-autoscaler', async (req, res) => {
    await requireBasic(req, autoscalingStateReadPermission);
    const workload = await workloadOr404(req.params.id);
    const seen = workload.status?.otherAutoscaler;
    if (!seen) {
      throw new NotFoundError(
        `No HPA or KEDA ScaledObject targets '${workload.id}' (as of its last evaluation)`,
      );
    }
    const found = (
      await options.clientFor(workload.cluster).listOtherAutoscalers()
    ).find(
      o =>
        o.kind === seen.kind &&
        o.namespace === seen.namespace &&
        o.name === seen.name,
    );
    if (!found) {
      throw new NotFoundError(
        `${seen.kind} ${seen.namespace}/${seen.name} no longer exists on cluster ${workload.cluster}`,
      );
    }
    const { override, notes } = policyFromOtherAutoscaler(found);
    res.json({
      autoscaler: {
        kind: found.kind,
        namespace: found.namespace,
        name: found.name,
        minReplicas: found.minReplicas ?? null,
        maxReplicas: found.maxReplicas ?? null,
      },
      override,
      notes,
      deleteCommand: `kubectl delete ${
        found.kind === 'HorizontalPodAutoscaler' ? 'hpa' : 'scaledobject'
      } -n ${found.namespace} ${found.name}`,
    });
  });

  router.post('/workloads/:id/scale', async (req, res) => {
    const workload = await workloadOr404(req.params.id);
    await options.authorizeTarget(
      req,
      autoscalingManualScalePermission,
      workload.entityRef,
    );
    const body = parseBody(scaleBody, req.body);
    const credentials = await httpAuth.credentials(req);
    res.json(
      await options.manualScaler.scale(
        workload,
        body.replicas,
        httpAuthActor(credentials),
        body.reason,
      ),
    );
  });

  router.post('/workloads/:id/rollback', async (req, res) => {
    const workload = await workloadOr404(req.params.id);
    await options.authorizeTarget(
      req,
      autoscalingManualScalePermission,
      workload.entityRef,
    );
    const body = parseBody(rollbackBody, req.body);
    const credentials = await httpAuth.credentials(req);
    res.json(
      await options.manualScaler.rollback(
        workload,
        httpAuthActor(credentials),
        body.reason,
      ),
    );
  });

  return router;
}

function httpAuthActor(credentials: { principal: unknown }): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}

function toSummary(workload: StoredWorkload): WorkloadSummary | null {
  if (!workload.status) return null;
  const {
    conditions: _conditions,
    metrics: _metrics,
    lastDecision: _lastDecision,
    predictiveFloor: _predictiveFloor,
    ...summary
  } = workload.status;
  return summary;
}

/**
 * Per container and controlled resource: the template's request and limit, the recommendation
 * within the policy's minAllowed/maxAllowed, its confidence and monthly savings at the cost
 * card's prices; and the replicas the horizontal engine would set with those requests.
 */
export function recommendationsOf(
  workload: StoredWorkload,
  costService?: CostService,
): WorkloadRecommendations {
  const state = workload.state as WorkloadEngineState;
  const priced = costService?.verticalRecommendations(workload);
  const vertical =
    priced?.rows ??
    containerRecommendations(state, workload.name).map(r => ({
      ...r,
      monthlySavings: null,
    }));
  const priceable = Boolean(costService && state.cost?.last);
  const horizontal =
    state.rightSizing && state.containers
      ? horizontalWithRecommendations({
          policy: state.rightSizing,
          currentReplicas:
            workload.status?.currentReplicas ?? state.cost?.last.replicas ?? 0,
          rows: vertical,
          containers: Object.fromEntries(
            Object.entries(state.containers).map(([name, c]) => [
              name,
              { usage: c.lastUsage, requests: c.requests },
            ]),
          ),
        })
      : null;
  return {
    workloadId: workload.id,
    horizontal,
    vertical,
    monthlySavings: priceable && priced ? priced.total : null,
    currency: costService?.currency ?? null,
    mode: state.rightSizing?.vertical.mode ?? 'Off',
    actions: state.verticalApply?.history ?? [],
    waiting: state.verticalApply?.waiting ?? [],
  };
}
