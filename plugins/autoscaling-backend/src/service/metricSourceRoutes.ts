import { InputError } from '@backstage/errors';
import {
  autoscalingPolicyReadPermission,
  type MetricSourceDryRunResult,
  type MetricSourcesResponse,
} from '@internal/plugin-autoscaling-common';
import type {
  MetricSeries,
  MetricSource,
} from '@internal/plugin-autoscaling-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { EngineStore } from '../store/EngineStore';
import { parseBody, parseQuery } from './validation';

export interface MetricSourceRoutesOptions {
  store: EngineStore;
  sources: ReadonlyMap<string, MetricSource>;
  /** Throws NotAllowedError unless the caller holds the permission on the entity. */
  authorizeTarget: (
    req: express.Request,
    permission: typeof autoscalingPolicyReadPermission,
    entityRef: string,
  ) => Promise<void>;
}

/** Series shown in a dry run's answer (the value is computed over all of them). */
const SHOWN_SERIES = 20;

const entityRef = z
  .string()
  .min(1, 'must not be empty')
  .max(300, 'must be at most 300 characters')
  .regex(
    /^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/i,
    'must be an entity ref such as component:default/checkout',
  );

const dryRunBody = z.strictObject({
  entityRef,
  source: z.string().min(1, 'must name a metric source').max(200),
  query: z
    .string()
    .max(10_000, 'must be at most 10000 characters')
    .refine(q => q.trim().length > 0, 'must not be empty'),
  metricType: z.enum(['Pods', 'Object', 'External']).default('Object'),
  targetType: z.enum(['Value', 'AverageValue']).default('Value'),
  workloadId: z.string().min(1).max(300).optional(),
});

/**
 * The value the engine compares with the target: the per-pod average for a Pods metric, the
 * sum of the series for Object and External metrics, per current replica for AverageValue.
 */
function comparedValue(
  result: number | MetricSeries[],
  metricType: string,
  targetType: string,
  replicas: number,
): { value: number; meaning: string } {
  if (typeof result === 'number') {
    if (metricType !== 'Pods' && targetType === 'AverageValue' && replicas > 0)
      return {
        value: result / replicas,
        meaning: `per replica (${replicas})`,
      };
    return { value: result, meaning: 'value' };
  }
  const sum = result.reduce((total, s) => total + s.value, 0);
  if (metricType === 'Pods')
    return {
      value: sum / result.length,
      meaning: `average of ${result.length} pod${
        result.length === 1 ? '' : 's'
      }`,
    };
  if (targetType === 'AverageValue' && replicas > 0)
    return {
      value: sum / replicas,
      meaning: `sum of ${result.length} series per replica (${replicas})`,
    };
  return {
    value: sum,
    meaning: result.length === 1 ? 'value' : `sum of ${result.length} series`,
  };
}

/**
 * `GET /metric-sources?entityRef=`: the metric sources installed backend modules added (for the
 * policy form's picker); `POST /metric-sources/dry-run`: runs a query on a source for one
 * workload of the entity, as the engine would, and answers the current value or the source's
 * error naming the field (`query`). Both need `autoscaling.policy.read` on the entity.
 */
export function createMetricSourceRoutes(
  options: MetricSourceRoutesOptions,
): express.Router {
  const { store, sources } = options;
  const router = Router();

  router.get('/metric-sources', async (req, res) => {
    const query = parseQuery(z.object({ entityRef }), req.query);
    await options.authorizeTarget(
      req,
      autoscalingPolicyReadPermission,
      query.entityRef,
    );
    const body: MetricSourcesResponse = {
      sources: [...sources.values()]
        .map(s => ({ id: s.id, type: s.type ?? null }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    };
    res.json(body);
  });

  router.post('/metric-sources/dry-run', async (req, res) => {
    const body = parseBody(dryRunBody, req.body);
    await options.authorizeTarget(
      req,
      autoscalingPolicyReadPermission,
      body.entityRef,
    );
    const source = sources.get(body.source);
    if (!source) {
      throw new InputError(
        `Invalid request body: source: unknown metric source "${
          body.source
        }" (configured: ${[...sources.keys()].sort().join(', ') || 'none'})`,
      );
    }
    const workloads = await store.listWorkloads({ entityRef: body.entityRef });
    const workload = body.workloadId
      ? workloads.find(w => w.id === body.workloadId)
      : workloads[0];
    if (!workload) {
      throw new InputError(
        body.workloadId
          ? `Invalid request body: workloadId: '${body.workloadId}' is not a workload of ${body.entityRef}`
          : `Invalid request body: entityRef: ${body.entityRef} has no managed workload yet; a dry run runs the query for one of its workloads`,
      );
    }
    const where = {
      id: workload.id,
      cluster: workload.cluster,
      namespace: workload.namespace,
      name: workload.name,
    };
    let result: MetricSourceDryRunResult;
    try {
      const answer = await source.query({
        cluster: workload.cluster,
        namespace: workload.namespace,
        workload: workload.name,
        query: body.query,
      });
      const replicas = workload.status?.currentReplicas ?? 0;
      const { value, meaning } = comparedValue(
        answer,
        body.metricType,
        body.targetType,
        replicas,
      );
      const series =
        typeof answer === 'number' ? [{ labels: {}, value: answer }] : answer;
      result = {
        ok: true,
        source: source.id,
        workload: where,
        value,
        meaning,
        series: series.slice(0, SHOWN_SERIES),
        seriesCount: series.length,
      };
    } catch (error) {
      result = {
        ok: false,
        source: source.id,
        workload: where,
        field: 'query',
        message: (error as Error).message,
      };
    }
    res.json(result);
  });

  return router;
}
