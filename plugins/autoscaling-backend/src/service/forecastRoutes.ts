import { NotFoundError } from '@backstage/errors';
import type { CostAccumulatorState } from '@internal/plugin-autoscaling-engine';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { CostService } from '../cost/CostService';
import { liveForecastStateOf } from '../evaluation/predictiveStep';
import type { EngineStore } from '../store/EngineStore';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import { tenantForecastOf, workloadForecastOf } from './forecastView';
import { parseQuery } from './validation';

export interface ForecastRoutesOptions {
  store: EngineStore;
  costService: CostService;
  tenants: () => Promise<Map<string, TenantInfo>>;
  /** Throws unless the caller may read autoscaling state (the neighbouring routes' check). */
  authorize: (req: express.Request) => Promise<void>;
  /**
   * Whether the caller may read cost (`autoscaling.cost.read`) on each entity; without it the
   * tenant forecast has its replicas but no cost. Absent: everyone may.
   */
  canReadCost?: (
    req: express.Request,
    entityRefs: string[],
  ) => Promise<boolean[]>;
  clock?: () => number;
}

const tenantName = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a catalog entity name');

/** `GET /workloads/:id/forecast` and `GET /tenants/:name/forecast`. */
export function createForecastRoutes(
  options: ForecastRoutesOptions,
): express.Router {
  const { store, authorize } = options;
  const clock = options.clock ?? Date.now;
  const router = Router();

  router.get('/workloads/:id/forecast', async (req, res) => {
    await authorize(req);
    const workload = await store.getWorkload(req.params.id);
    if (!workload)
      throw new NotFoundError(`No managed workload '${req.params.id}'`);
    const row = await store.getForecastState(workload.id);
    res.json(workloadForecastOf(workload.id, liveForecastStateOf(row?.state)));
  });

  router.get('/tenants/:name/forecast', async (req, res) => {
    await authorize(req);
    const { name } = parseQuery(z.strictObject({ name: tenantName }), {
      name: req.params.name,
    });
    const tenant = (await options.tenants()).get(name);
    if (!tenant) throw new NotFoundError(`No tenant '${name}' in the catalog`);
    const [costAllowed] = options.canReadCost
      ? await options.canReadCost(req, [tenant.entityRef])
      : [true];
    const workloads = await store.listWorkloads({ tenant: name });
    const rows = await Promise.all(
      workloads.map(w => store.getForecastState(w.id)),
    );
    res.json(
      tenantForecastOf({
        tenant: name,
        nowMs: clock(),
        currency: costAllowed ? options.costService.currency ?? null : null,
        replicaQuota: tenant.replicaQuota,
        workloads: workloads.map((w, i) => {
          const cost = (w.state as { cost?: CostAccumulatorState }).cost;
          const current = w.status?.currentReplicas ?? cost?.last.replicas ?? 0;
          return {
            live: liveForecastStateOf(rows[i]?.state),
            currentReplicas: current,
            minReplicas: w.status?.minReplicas ?? 0,
            maxReplicas: w.status?.maxReplicas ?? Math.max(current, 1),
            // The tenant cost card's model: the month accumulator's hourly rate per replica.
            costPerReplicaHour:
              costAllowed && cost && cost.last.replicas > 0
                ? cost.hourly / cost.last.replicas
                : null,
          };
        }),
      }),
    );
  });

  return router;
}
