import { NotAllowedError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseQuery } from '../service/validation';
import type { EngineStore } from '../store/EngineStore';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import type { CostService } from './CostService';
import { tenantTrends } from './tenantTrends';

export interface CostRoutesOptions {
  store: EngineStore;
  costService: CostService;
  tenants: () => Promise<Map<string, TenantInfo>>;
  /** The registered clusters; defaults to the clusters of the stored workloads. */
  clusters?: () => string[];
  /** Throws (e.g. NotAllowedError) unless the caller may read autoscaling state. */
  authorize: (req: express.Request) => Promise<void>;
  /**
   * For each entity ref (a tenant Group or a service Component), whether the caller may read
   * its cost and budget (`autoscaling.cost.read`, docs/governance.md). Absent: everyone who
   * may read autoscaling state may.
   */
  canReadCost?: (
    req: express.Request,
    entityRefs: string[],
  ) => Promise<boolean[]>;
  /** Now, in ms (tests); Date.now by default. */
  clock?: () => number;
}

/** Which cost data the caller may not see, in the 403's words. */
function costNotAllowed(what: string) {
  return new NotAllowedError(
    `You are not allowed to read the cost and budget of ${what} (autoscaling.cost.read): ` +
      "they are shown to the tenant's members, the service's owners and the platform team",
  );
}

/** Catalog entity names: letters, digits, `-`, `_`, `.`; at most 63 characters. */
const tenantName = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a catalog entity name');

const trendsQuery = z.strictObject({
  hours: z.coerce
    .number()
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1')
    .max(24 * 14, 'must be at most 336 (14 days)')
    .default(24),
});

const exportQuery = z.strictObject({
  tenant: tenantName.optional(),
  format: z.enum(['csv', 'json']).default('csv'),
});

/**
 * `GET /workloads/:id/cost`, `GET /tenants/:name/summary`, `GET /cost/clusters` (allocated,
 * capacity and idle cost per hour of each cluster), `GET /cost/export`.
 */
export function createCostRoutes(options: CostRoutesOptions): express.Router {
  const { store, costService, authorize } = options;
  const canReadCost =
    options.canReadCost ??
    (async (_req: express.Request, refs: string[]) => refs.map(() => true));
  const router = Router();

  router.get('/workloads/:id/cost', async (req, res) => {
    await authorize(req);
    const workload = await store.getWorkload(req.params.id);
    if (!workload)
      throw new NotFoundError(`No managed workload '${req.params.id}'`);
    const [allowed] = await canReadCost(req, [workload.entityRef]);
    if (!allowed) throw costNotAllowed(`${workload.entityRef}`);
    res.json(costService.workloadCost(workload));
  });

  router.get('/tenants/:name/summary', async (req, res) => {
    await authorize(req);
    const name = parseQuery(z.strictObject({ name: tenantName }), {
      name: req.params.name,
    }).name;
    const tenant = (await options.tenants()).get(name);
    if (!tenant) throw new NotFoundError(`No tenant '${name}' in the catalog`);
    const [allowed] = await canReadCost(req, [tenant.entityRef]);
    if (!allowed) throw costNotAllowed(`tenant '${name}'`);
    const workloads = await store.listWorkloads({ tenant: name });
    res.json(costService.tenantSummary(tenant, workloads));
  });

  // Replicas against the quota for every reader; spend against the budget only for a caller
  // who may read the tenant's cost (no 403: the replica trend is not cost).
  router.get('/tenants/:name/trends', async (req, res) => {
    await authorize(req);
    const { name } = parseQuery(z.strictObject({ name: tenantName }), {
      name: req.params.name,
    });
    const { hours } = parseQuery(trendsQuery, req.query);
    const tenant = (await options.tenants()).get(name);
    if (!tenant) throw new NotFoundError(`No tenant '${name}' in the catalog`);
    const [allowed] = await canReadCost(req, [tenant.entityRef]);
    const nowMs = (options.clock ?? Date.now)();
    const sinceMs = nowMs - hours * 3600_000;
    const stored = await store.listWorkloads({ tenant: name });
    const workloads = await Promise.all(
      stored.map(async w => ({
        stored: w,
        points: await store.listMetricPoints(w.id, sinceMs),
      })),
    );
    res.json(
      tenantTrends({
        tenant,
        workloads,
        nowMs,
        hours,
        cost: allowed ? costService : null,
      }),
    );
  });

  router.get('/cost/clusters', async (req, res) => {
    await authorize(req);
    parseQuery(z.strictObject({}), req.query);
    const workloads = await store.listWorkloads();
    const names =
      options.clusters?.() ??
      [...new Set(workloads.map(w => w.cluster))].sort();
    res.json(names.map(name => costService.clusterCost(name, workloads)));
  });

  router.get('/cost/export', async (req, res) => {
    await authorize(req);
    const query = parseQuery(exportQuery, req.query);
    const all = await store.listWorkloads(
      query.tenant ? { tenant: query.tenant } : {},
    );
    if (
      query.tenant &&
      all.length === 0 &&
      !(await options.tenants()).has(query.tenant)
    ) {
      throw new NotFoundError(`No tenant '${query.tenant}' in the catalog`);
    }
    // Rows of the services whose cost the caller may read; none of several is a 403.
    const readable = await canReadCost(
      req,
      all.map(w => w.entityRef),
    );
    const workloads = all.filter((_, i) => readable[i]);
    if (all.length > 0 && workloads.length === 0) {
      throw costNotAllowed(
        query.tenant ? `tenant '${query.tenant}'` : 'any managed service',
      );
    }
    const rows = costService.exportRows(workloads);
    if (query.format === 'json') {
      res.json(rows);
      return;
    }
    const month = costService.currentMonth();
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .attachment(`autoscaling-cost-${query.tenant ?? 'all'}-${month}.csv`)
      .send(costService.exportCsv(rows));
  });

  return router;
}
