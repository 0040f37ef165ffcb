import { Knex } from 'knex';
import type {
  Decision,
  HistoryPoint,
  KillSwitchState,
  TenantTier,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import { decodeForecastRow, encodeForecastRow } from './forecastRow';

/** Identity and placement of a managed workload. */
export interface WorkloadRecord {
  id: string;
  entityRef: string;
  cluster: string;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  tenant: string;
  environment: string;
  tier: TenantTier;
}

/** Compact engine state of one workload: bounded by windows and season length, not time. */
export type WorkloadEngineState = Record<string, unknown>;

export interface StoredWorkload extends WorkloadRecord {
  state: WorkloadEngineState;
  status: WorkloadState | null;
  updatedAt: number;
}

export type NewDecision = Omit<Decision, 'id'>;

const KILL_SWITCH_KEY = 'kill-switch';
/** Chart resolution: at most one metric point per workload per minute. */
export const METRIC_POINT_INTERVAL_MS = 60_000;

/** Text a column can hold on every supported database (PostgreSQL text refuses NUL). */
function storableText(value: string): boolean {
  return !value.includes('\u0000');
}

/**
 * The engine's tables. Rows per workload are bounded: one state row, and decisions and
 * metric points pruned after the retention, so storage grows with workloads, not time.
 */
export class EngineStore {
  constructor(private readonly knex: Knex) {}

  async upsertWorkload(
    record: WorkloadRecord,
    state: WorkloadEngineState,
    status: WorkloadState | null,
    nowMs: number,
  ): Promise<void> {
    const row = {
      id: record.id,
      entity_ref: record.entityRef,
      cluster: record.cluster,
      namespace: record.namespace,
      kind: record.kind,
      name: record.name,
      tenant: record.tenant,
      environment: record.environment,
      tier: record.tier,
      state_json: JSON.stringify(state),
      status_json: status ? JSON.stringify(status) : null,
      updated_at: nowMs,
    };
    await this.knex('workloads').insert(row).onConflict('id').merge();
  }

  async getWorkload(id: string): Promise<StoredWorkload | undefined> {
    // No stored id holds a NUL (PostgreSQL text cannot), and PostgreSQL refuses it in a query.
    if (!storableText(id)) return undefined;
    const row = await this.knex('workloads').where({ id }).first();
    return row ? toStoredWorkload(row) : undefined;
  }

  async listWorkloads(
    filter: {
      cluster?: string;
      tenant?: string;
      entityRef?: string;
    } = {},
  ): Promise<StoredWorkload[]> {
    if (
      ![filter.cluster, filter.tenant, filter.entityRef].every(
        v => v === undefined || storableText(v),
      )
    ) {
      return [];
    }
    const query = this.knex('workloads').orderBy('id');
    if (filter.cluster) query.where('cluster', filter.cluster);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    return (await query).map(toStoredWorkload);
  }

  async recordDecision(decision: NewDecision): Promise<Decision> {
    const [row] = await this.knex('decisions')
      .insert({
        workload_id: decision.workloadId,
        at: Date.parse(decision.at),
        kind: decision.kind,
        from_replicas: decision.from,
        to_replicas: decision.to,
        mode: decision.mode,
        outcome: decision.outcome,
        reasons_json: JSON.stringify(decision.reasons),
        clamp_json: decision.clamp ? JSON.stringify(decision.clamp) : null,
        actor: decision.actor ?? null,
        error: decision.error ?? null,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    return { ...decision, id: String(id) };
  }

  async listDecisions(
    workloadId: string,
    options: { sinceMs?: number; limit?: number } = {},
  ): Promise<Decision[]> {
    const rows = await this.knex('decisions')
      .where('workload_id', workloadId)
      .andWhere('at', '>=', options.sinceMs ?? 0)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 200);
    return rows.map(toDecision);
  }

  async lastDecision(workloadId: string): Promise<Decision | undefined> {
    const [decision] = await this.listDecisions(workloadId, { limit: 1 });
    return decision;
  }

  /** Stores a chart point unless one was stored less than a minute ago. */
  async recordMetricPoint(
    workloadId: string,
    point: HistoryPoint,
  ): Promise<boolean> {
    const atMs = Date.parse(point.at);
    const recent = await this.knex('metric_points')
      .where('workload_id', workloadId)
      .andWhere('at', '>', atMs - METRIC_POINT_INTERVAL_MS)
      .first();
    if (recent) return false;
    await this.knex('metric_points')
      .insert({
        workload_id: workloadId,
        at: atMs,
        replicas: point.replicas,
        ready_replicas: point.readyReplicas,
        desired_replicas: point.desiredReplicas,
        demand: point.demand,
        cpu_utilization: point.cpuUtilization,
      })
      .onConflict(['workload_id', 'at'])
      .ignore();
    return true;
  }

  async listMetricPoints(
    workloadId: string,
    sinceMs: number,
  ): Promise<HistoryPoint[]> {
    const rows = await this.knex('metric_points')
      .where('workload_id', workloadId)
      .andWhere('at', '>=', sinceMs)
      .orderBy('at');
    return rows.map(row => ({
      at: new Date(Number(row.at)).toISOString(),
      replicas: row.replicas,
      readyReplicas: row.ready_replicas,
      desiredReplicas: row.desired_replicas,
      demand: row.demand === null ? null : Number(row.demand),
      cpuUtilization:
        row.cpu_utilization === null ? null : Number(row.cpu_utilization),
    }));
  }

  /**
   * Stores past points in bulk (history at first sight): only points older than the oldest one
   * already stored, so live points keep their one-per-minute spacing; duplicates are ignored.
   */
  async backfillMetricPoints(
    workloadId: string,
    points: HistoryPoint[],
  ): Promise<number> {
    const oldest = await this.knex('metric_points')
      .where('workload_id', workloadId)
      .min({ at: 'at' })
      .first();
    const before =
      oldest?.at === null || oldest?.at === undefined
        ? Infinity
        : Number(oldest.at);
    const rows = points
      .map(point => ({ point, atMs: Date.parse(point.at) }))
      .filter(({ atMs }) => Number.isFinite(atMs) && atMs < before)
      .map(({ point, atMs }) => ({
        workload_id: workloadId,
        at: atMs,
        replicas: point.replicas,
        ready_replicas: point.readyReplicas,
        desired_replicas: point.desiredReplicas,
        demand: point.demand,
        cpu_utilization: point.cpuUtilization,
      }));
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 100) {
      await this.knex('metric_points')
        .insert(rows.slice(i, i + 100))
        .onConflict(['workload_id', 'at'])
        .ignore();
    }
    return rows.length;
  }

  /**
   * The workload's predictive state (`workload_forecasts`), undefined at first sight. Reads the
   * compact row and the plain JSON written before it (see `forecastRow.ts`).
   */
  async getForecastState(
    workloadId: string,
  ): Promise<
    { state: Record<string, unknown>; updatedAt: number } | undefined
  > {
    const row = await this.knex('workload_forecasts')
      .where({ workload_id: workloadId })
      .first();
    return row
      ? {
          state: decodeForecastRow(row.state_json, workloadId),
          updatedAt: Number(row.updated_at),
        }
      : undefined;
  }

  /** Saves the predictive state; its engine part compact (`encodePredictiveState`'s envelope). */
  async saveForecastState(
    workloadId: string,
    state: Record<string, unknown>,
    nowMs: number,
  ): Promise<void> {
    await this.knex('workload_forecasts')
      .insert({
        workload_id: workloadId,
        state_json: encodeForecastRow(state),
        updated_at: nowMs,
      })
      .onConflict('workload_id')
      .merge();
  }

  /** Deletes decisions and metric points older than the retention. */
  async prune(
    olderThanMs: number,
  ): Promise<{ decisions: number; points: number }> {
    const decisions = await this.knex('decisions')
      .where('at', '<', olderThanMs)
      .delete();
    const points = await this.knex('metric_points')
      .where('at', '<', olderThanMs)
      .delete();
    return { decisions, points };
  }

  async getKillSwitch(): Promise<KillSwitchState | undefined> {
    const row = await this.knex('engine_settings')
      .where({ key: KILL_SWITCH_KEY })
      .first();
    return row ? (JSON.parse(row.value_json) as KillSwitchState) : undefined;
  }

  async setKillSwitch(state: KillSwitchState, nowMs: number): Promise<void> {
    await this.knex('engine_settings')
      .insert({
        key: KILL_SWITCH_KEY,
        value_json: JSON.stringify(state),
        updated_at: nowMs,
      })
      .onConflict('key')
      .merge();
  }
}

function toStoredWorkload(row: any): StoredWorkload {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    cluster: row.cluster,
    namespace: row.namespace,
    kind: row.kind,
    name: row.name,
    tenant: row.tenant,
    environment: row.environment,
    tier: row.tier,
    state: JSON.parse(row.state_json),
    status: row.status_json ? JSON.parse(row.status_json) : null,
    updatedAt: Number(row.updated_at),
  };
}

function toDecision(row: any): Decision {
  return {
    id: String(row.id),
    workloadId: row.workload_id,
    at: new Date(Number(row.at)).toISOString(),
    kind: row.kind,
    from: row.from_replicas,
    to: row.to_replicas,
    mode: row.mode,
    outcome: row.outcome,
    reasons: JSON.parse(row.reasons_json),
    // Decisions stored before clamps were data have none (the portal reads their reasons).
    ...(row.clamp_json ? { clamp: JSON.parse(row.clamp_json) } : {}),
    ...(row.actor ? { actor: row.actor } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
