/**
 * A tenant's trends: its replicas (summed over its workloads) against the replica quota, and
 * its spend rate against the monthly budget, over the last hours. Built from the metric points
 * the evaluator stores (at most one per workload per minute) and priced with the cost card's
 * model (CostService.hourlyAt: max of requests and usage), so the chart, the cost card and the
 * guardrails agree. The points record CPU usage; memory is taken at the last cost sample's use
 * per replica, so the latest point is the cost card's cost per hour.
 */
import type {
  HistoryPoint,
  TenantTrendPoint,
  TenantTrends,
} from '@internal/plugin-autoscaling-common';
import type { StoredWorkload } from '../store/EngineStore';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import type { CostService } from './CostService';

const HOURS_PER_MONTH = 730;
/** At most this many points a chart; steps of whole minutes. */
const MAX_POINTS = 180;

export interface TrendsInput {
  tenant: TenantInfo;
  workloads: ReadonlyArray<{ stored: StoredWorkload; points: HistoryPoint[] }>;
  nowMs: number;
  hours: number;
  /** Null: the caller may not read cost (replicas only). */
  cost: CostService | null;
}

export function tenantTrends(input: TrendsInput): TenantTrends {
  const { tenant, nowMs, hours, cost } = input;
  const spanMs = hours * 3600_000;
  const stepMs = Math.max(
    60_000,
    Math.ceil(spanMs / MAX_POINTS / 60_000) * 60_000,
  );
  const startMs = Math.floor((nowMs - spanMs) / stepMs) * stepMs;
  const series = input.workloads.map(w => ({
    stored: w.stored,
    points: w.points
      .map(p => ({
        atMs: Date.parse(p.at),
        replicas: p.replicas,
        demand: p.demand,
      }))
      .filter(p => Number.isFinite(p.atMs))
      .sort((a, b) => a.atMs - b.atMs),
    next: 0,
    last: undefined as { replicas: number; demand: number | null } | undefined,
  }));
  const firstMs = Math.min(
    ...series.flatMap(s => (s.points.length ? [s.points[0].atMs] : [])),
  );
  const points: TenantTrendPoint[] = [];
  for (let t = startMs + stepMs; t <= nowMs + stepMs - 1; t += stepMs) {
    const at = Math.min(t, nowMs);
    // Nothing recorded yet: no point (the chart starts where the history starts).
    if (!(at >= firstMs)) continue;
    let replicas = 0;
    let hourly: number | null = cost ? 0 : null;
    for (const s of series) {
      // Each workload at its last point at or before this time (carried forward).
      while (s.next < s.points.length && s.points[s.next].atMs <= at) {
        s.last = s.points[s.next];
        s.next += 1;
      }
      if (!s.last) continue;
      replicas += s.last.replicas;
      if (cost && hourly !== null) {
        // CPU usage as recorded then; memory (not in the points) at the last sample's per replica.
        const perReplica = cost.memoryPerReplica(s.stored);
        const h = cost.hourlyAt(s.stored, s.last.replicas, {
          cpuCores: s.last.demand,
          memoryBytes:
            perReplica === null ? null : perReplica * s.last.replicas,
        });
        if (h !== null) hourly += h;
      }
    }
    points.push({
      at: new Date(at).toISOString(),
      replicas,
      monthlyRate:
        hourly === null
          ? null
          : Math.round(hourly * HOURS_PER_MONTH * 100) / 100,
    });
  }
  return {
    tenant: tenant.name,
    hours,
    stepSeconds: stepMs / 1000,
    currency: cost ? cost.currency : null,
    replicaQuota: tenant.replicaQuota,
    monthlyBudget: cost ? tenant.monthlyBudget : null,
    points,
  };
}
