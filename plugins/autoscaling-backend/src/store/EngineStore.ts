import { Knex } from 'knex';
import type {
  Decision,
  HistoryPoint,
  KillSwitchState,
  TenantTier,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import { randomUUID } from 'node:crypto';
import { paced } from '../util/eventLoopTurns';
import { mapSliced } from '../util/mapSliced';
import { decodeForecastRow, encodeForecastRow } from './forecastRow';
import type { WorkloadEngineState } from './WorkloadEngineState';
import { WorkloadRowCache } from './WorkloadRowCache';

export type { WorkloadEngineState } from './WorkloadEngineState';

/** Identity and placement of a managed workload. */
export interface WorkloadRecord {
  id: string;
  entityRef: string;
  cluster: string;
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'ComposeService';
  name: string;
  tenant: string;
  environment: string;
  tier: TenantTier;
}

export interface StoredWorkload extends WorkloadRecord {
  state: WorkloadEngineState;
  status: WorkloadState | null;
  updatedAt: number;
}

export type NewDecision = Omit<Decision, 'id'>;

/** What one tick of one cluster read before deciding (`EngineStore.readTick`). */
export interface TickReads {
  /** The stored workloads of the cluster by id. */
  workloads: Map<string, StoredWorkload>;
  /** The newest decision of each of those workloads that has one. */
  lastDecisions: Map<string, Decision>;
  /** The newest metric point less than a minute before now, by workload. */
  recentPointMs: Map<string, number>;
}

/** One workload's row of a tick's batch (`EngineStore.writeTick`). */
export interface TickWorkloadWrite {
  record: WorkloadRecord;
  state: WorkloadEngineState;
  /** The status; its `lastDecision` becomes `decision` (with its new id) when one is given. */
  status: WorkloadState;
  decision?: NewDecision;
  /** A chart point, stored unless one is less than a minute old (`TickReads.recentPointMs`). */
  point?: HistoryPoint;
}

/** A forecaster checkpoint to write with the tick. */
export interface ForecastCheckpoint {
  workloadId: string;
  state: Record<string, unknown>;
}

/**
 * Bound parameters per statement: SQLite (3.32 and later) refuses more than 32,766, PostgreSQL
 * more than 65,535. Multi-row statements are cut into chunks of at most this many values.
 */
export const MAX_BINDINGS_PER_STATEMENT = 30_000;
/**
 * Rows per multi-row insert through knex's builder on SQLite (the decisions, which return
 * their ids): knex writes it as one compound `select … union all select …`, and SQLite refuses
 * more than 500 terms in a compound select. The other tables' rows go through `upsertRows`,
 * bounded by the parameters only.
 */
export const MAX_ROWS_PER_STATEMENT = 500;
/**
 * Workload rows (about 3 kB of JSON each) per upsert: the driver serialises a statement in one
 * go, and 2,500 such rows held the event loop for about 150 ms on PostgreSQL; on SQLite the
 * statement itself runs on the event loop, 500 rows for 20 to 30 ms.
 */
export const WORKLOAD_ROWS_PER_STATEMENT = 200;
/**
 * Forecaster checkpoints per upsert: each is several times a workload row, and 300 of them
 * held the event loop for 40 to 140 ms on SQLite.
 */
export const FORECAST_ROWS_PER_STATEMENT = 50;
/** Chart points per insert: small rows, but 4,000 of them were 20 ms on SQLite. */
export const POINT_ROWS_PER_STATEMENT = 1_000;

function chunks<T>(rows: T[], columns: number, maxRows = Infinity): T[][] {
  const size = Math.max(
    1,
    Math.min(maxRows, Math.floor(MAX_BINDINGS_PER_STATEMENT / columns)),
  );
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const soleWriterCaches = new WeakMap<Knex, WorkloadRowCache>();

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
  /**
   * This process's name as a forecaster owner (`WorkloadEngineState.forecastOwner`): the
   * evaluators of this store keep the forecasters they stepped in `forecasts` between ticks.
   */
  readonly instanceId = randomUUID();
  /** Forecasters this process stepped last, by workload id (see `ClusterEvaluator`). */
  readonly forecasts = new Map<
    string,
    { state: Record<string, unknown>; checkpointMs: number }
  >();

  /**
   * The workload rows this process read or wrote last, by id. A row is reused while its stored
   * `updated_at` is the one cached: a tick then reads only ids and versions instead of parsing
   * every workload's state again. Every write of this process replaces its entry; another
   * replica's write changes `updated_at`, so the next tick reads that row.
   */
  private readonly cache: WorkloadRowCache;
  /**
   * Ids whose cached row is newer than the stored one: a tick deferred its write to the row's
   * checkpoint (`writeTick` `deferred`). `flushDeferred` writes them, at shutdown.
   */
  private readonly unwritten = new Set<string>();

  /** Rows per knex multi-row insert (`MAX_ROWS_PER_STATEMENT` on SQLite). */
  private readonly rowsPerInsert: number;

  /**
   * Whether this store is the only writer of its `workloads` table (see the constructor): its
   * cache, once filled, then answers every workload read without asking the database.
   */
  private readonly soleWriter: boolean;
  /**
   * `options.soleWriter` (default: on SQLite): no other process writes this database's
   * workloads, as with Backstage's SQLite (one process). Reads then come from memory: on SQLite
   * a tick's write transaction holds the only connection, and a state request would otherwise
   * wait for it. Off, every read checks the stored versions (PostgreSQL, several replicas).
   */
  constructor(
    private readonly knex: Knex,
    options: { soleWriter?: boolean } = {},
  ) {
    const client = String(knex.client?.config?.client ?? '');
    this.rowsPerInsert = client.includes('sqlite')
      ? MAX_ROWS_PER_STATEMENT
      : Infinity;
    this.soleWriter = options.soleWriter ?? client.includes('sqlite');
    // Stores of one process on one SQLite database (the service's, a test's) write through
    // one cache; otherwise each has its own, checked against the stored versions.
    let cache = this.soleWriter ? soleWriterCaches.get(knex) : undefined;
    if (!cache) {
      cache = new WorkloadRowCache();
      if (this.soleWriter) soleWriterCaches.set(knex, cache);
    }
    this.cache = cache;
  }

  async upsertWorkload(
    record: WorkloadRecord,
    state: WorkloadEngineState | Record<string, unknown>,
    status: WorkloadState | null,
    nowMs: number,
  ): Promise<void> {
    const row = workloadRow(record, state, status, nowMs);
    await this.knex('workloads').insert(row).onConflict('id').merge();
    // Written: as a read would give it (the JSON round trip). A failed write leaves the entry
    // as it was, like the row.
    this.cache.set(toStoredWorkload(row));
    this.unwritten.delete(record.id);
  }

  /**
   * Everything a tick of `cluster` reads before deciding, in three statements whatever the
   * number of workloads: the stored workloads, the newest decision of each, and which of them
   * have a metric point less than a minute old.
   */
  async readTick(cluster: string, nowMs: number): Promise<TickReads> {
    if (!storableText(cluster)) {
      return {
        workloads: new Map(),
        lastDecisions: new Map(),
        recentPointMs: new Map(),
      };
    }
    const ofCluster = this.knex('workloads')
      .select('id')
      .where('cluster', cluster);
    const [stored, decisionRows, pointRows] = await Promise.all([
      this.cachedWorkloads(
        query => query.where('cluster', cluster),
        w => w.cluster === cluster,
      ),
      // A sole writer reads them once per cluster and then keeps them (`WorkloadRowCache`).
      this.soleWriter && this.cache.holdsDecisionsOf(cluster)
        ? undefined
        : // Per workload of the cluster, its newest decision (index on workload_id, at).
          this.knex('workloads as w')
            .select('d.*')
            .joinRaw(
              'join decisions d on d.id = (select d2.id from decisions d2 where d2.workload_id = w.id order by d2.at desc, d2.id desc limit 1)',
            )
            .where('w.cluster', cluster),
      // A sole writer reads them once per cluster and then keeps them (`WorkloadRowCache`):
      // this `group by` took 20 to 35 ms a tick on SQLite, on the event loop.
      this.soleWriter && this.cache.holdsPointsOf(cluster)
        ? undefined
        : this.knex('metric_points')
            .select('workload_id')
            .max({ at: 'at' })
            .where('at', '>', nowMs - METRIC_POINT_INTERVAL_MS)
            .whereIn('workload_id', ofCluster)
            .groupBy('workload_id'),
    ]);
    const workloads = new Map(stored.map(w => [w.id, w]));
    // Rows of the cluster no longer stored are not kept either.
    // (Deleting from a Map while iterating it is safe.)
    for (const cached of this.cache.values()) {
      await paced();
      if (cached.cluster === cluster && !workloads.has(cached.id)) {
        this.cache.delete(cached.id);
        this.unwritten.delete(cached.id);
      }
    }
    let lastDecisions: Map<string, Decision>;
    if (decisionRows) {
      lastDecisions = new Map(
        await mapSliced(
          decisionRows,
          (row: any) => [row.workload_id, toDecision(row)] as const,
        ),
      );
      if (this.soleWriter)
        this.cache.setNewestDecisions(cluster, lastDecisions);
    } else {
      lastDecisions = this.cache.newestDecisionsOf(workloads.keys());
    }
    let recentPointMs: Map<string, number>;
    if (pointRows) {
      recentPointMs = new Map(
        pointRows.map((row: any) => [row.workload_id, Number(row.at)]),
      );
      if (this.soleWriter) this.cache.setNewestPoints(cluster, recentPointMs);
    } else {
      recentPointMs = new Map();
      for (const id of workloads.keys()) {
        await paced();
        const atMs = this.cache.newestPointOf(id);
        if (atMs !== undefined && atMs > nowMs - METRIC_POINT_INTERVAL_MS)
          recentPointMs.set(id, atMs);
      }
    }
    return { workloads, lastDecisions, recentPointMs };
  }

  /**
   * Writes one tick of one cluster in one transaction of multi-row statements (chunked under
   * the databases' parameter limits): the decisions (their ids go into the statuses), the
   * workloads' state and status, the forecaster checkpoints, and the chart points not within a
   * minute of the last one. The number of statements grows with the rows only by the chunks.
   *
   * `deferred` rows (no decision; see evaluation/rowCheckpoint.ts) are not written: after the
   * commit they replace their cache entries at the stored version, so this process reads them
   * while no other writer changes the row. Their chart points are written.
   */
  async writeTick(
    input: {
      workloads: TickWorkloadWrite[];
      deferred?: TickWorkloadWrite[];
      forecasts: ForecastCheckpoint[];
      recentPointMs: ReadonlyMap<string, number>;
    },
    nowMs: number,
  ): Promise<void> {
    // A row can wait only where this process holds its stored version.
    const deferred: Array<{ write: TickWorkloadWrite; storedAt: number }> = [];
    const written = [...input.workloads];
    for (const w of input.deferred ?? []) {
      const cached = this.cache.get(w.record.id);
      if (cached && !w.decision)
        deferred.push({ write: w, storedAt: cached.updatedAt });
      else written.push(w);
    }
    await this.writeRows({ ...input, workloads: written }, nowMs, [
      ...input.workloads,
      ...(input.deferred ?? []),
    ]);
    // Thousands of rows a tick: requests get turns in between.
    for (const { write, storedAt } of deferred) {
      await paced();
      this.cache.set({
        ...write.record,
        state: write.state,
        status: write.status,
        updatedAt: storedAt,
      });
      this.unwritten.add(write.record.id);
    }
  }

  /**
   * Writes every row a tick deferred (`writeTick`) as this process holds it, in one
   * transaction: at shutdown, so a restart starts from the newest state.
   */
  async flushDeferred(nowMs: number): Promise<number> {
    const rows = [...this.unwritten].flatMap(id => {
      const cached = this.cache.get(id);
      return cached ? [cached] : [];
    });
    if (rows.length === 0) return 0;
    await this.writeRows(
      {
        workloads: rows.map(row => ({
          record: row,
          state: row.state,
          status: row.status!,
        })),
        forecasts: [],
        recentPointMs: new Map(),
      },
      nowMs,
      [],
    );
    return rows.length;
  }

  private async writeRows(
    input: {
      workloads: TickWorkloadWrite[];
      forecasts: ForecastCheckpoint[];
      recentPointMs: ReadonlyMap<string, number>;
    },
    nowMs: number,
    withPoints: TickWorkloadWrite[],
  ): Promise<void> {
    const decided = input.workloads.filter(w => w.decision);
    const points = withPoints.flatMap(w => {
      if (!w.point) return [];
      const atMs = Date.parse(w.point.at);
      const recent = input.recentPointMs.get(w.record.id);
      if (recent !== undefined && recent > atMs - METRIC_POINT_INTERVAL_MS)
        return [];
      return [metricPointRow(w.record.id, w.point, atMs)];
    });
    const forecasts = input.forecasts.map(f => ({
      workload_id: f.workloadId,
      state_json: encodeForecastRow(f.state),
      updated_at: nowMs,
    }));
    if (
      input.workloads.length === 0 &&
      forecasts.length === 0 &&
      points.length === 0
    )
      return;
    // The states, the largest text, are serialised before the transaction and in slices, so
    // neither the connection nor the event loop is held for all of them at once.
    const stateJson = await mapSliced(input.workloads, w =>
      JSON.stringify(w.state),
    );
    const statuses: WorkloadState[] = input.workloads.map(w => w.status);
    await this.knex.transaction(async trx => {
      const ids = new Map<string, string>();
      for (const chunk of chunks(decided, 11, this.rowsPerInsert)) {
        await paced();
        const rows = await trx('decisions')
          .insert(chunk.map(w => decisionRow(w.decision!)))
          .returning(['id', 'workload_id']);
        for (const row of rows) ids.set(row.workload_id, String(row.id));
      }
      input.workloads.forEach((w, i) => {
        const id = w.decision ? ids.get(w.record.id) : undefined;
        if (w.decision && id !== undefined)
          statuses[i] = { ...w.status, lastDecision: { ...w.decision, id } };
      });

      const workloadRows = await mapSliced(input.workloads, (w, i) => ({
        ...workloadRecordRow(w.record),
        state_json: stateJson[i],
        status_json: JSON.stringify(statuses[i]),
        updated_at: nowMs,
      }));
      await upsertRows(
        trx,
        'workloads',
        workloadRows,
        ['id'],
        'merge',
        WORKLOAD_ROWS_PER_STATEMENT,
      );
      await upsertRows(
        trx,
        'workload_forecasts',
        forecasts,
        ['workload_id'],
        'merge',
        FORECAST_ROWS_PER_STATEMENT,
      );
      await upsertRows(
        trx,
        'metric_points',
        points,
        ['workload_id', 'at'],
        'ignore',
        POINT_ROWS_PER_STATEMENT,
      );
    });
    // Committed: the rows as written are what the next tick reads (until then a reader gets
    // the previous row, as before the commit).
    if (this.soleWriter)
      for (const row of points) this.cache.notePoint(row.workload_id, row.at);
    for (const [i, w] of input.workloads.entries()) {
      await paced();
      if (this.soleWriter && w.decision && statuses[i].lastDecision)
        this.cache.noteDecision(statuses[i].lastDecision!);
      this.cache.set({
        ...w.record,
        state: w.state,
        status: statuses[i],
        updatedAt: nowMs,
      });
      this.unwritten.delete(w.record.id);
    }
  }

  /**
   * Forecast rows of `ids` (chunked `in` lists), decoded, or the error decoding one gave;
   * missing ids are left out.
   */
  async getForecastStates(
    ids: string[],
  ): Promise<Map<string, Record<string, unknown> | Error>> {
    const out = new Map<string, Record<string, unknown> | Error>();
    for (const chunk of chunks(ids.filter(storableText), 1)) {
      const rows = await this.knex('workload_forecasts').whereIn(
        'workload_id',
        chunk,
      );
      for (const row of rows) {
        try {
          out.set(
            row.workload_id,
            decodeForecastRow(row.state_json, row.workload_id),
          );
        } catch (error) {
          out.set(row.workload_id, error as Error);
        }
      }
    }
    return out;
  }

  /** Demand of stored points after `sinceMs` per workload, oldest first (chunked `in` lists). */
  async demandSince(
    since: ReadonlyMap<string, number>,
  ): Promise<Map<string, Array<{ atMs: number; demand: number }>>> {
    const out = new Map<string, Array<{ atMs: number; demand: number }>>();
    const ids = [...since.keys()].filter(storableText);
    if (ids.length === 0) return out;
    const oldest = Math.min(...ids.map(id => since.get(id)!));
    for (const chunk of chunks(ids, 1)) {
      const rows = await this.knex('metric_points')
        .select('workload_id', 'at', 'demand')
        .whereIn('workload_id', chunk)
        .andWhere('at', '>', oldest)
        .whereNotNull('demand')
        .orderBy(['workload_id', 'at']);
      for (const row of rows) {
        const atMs = Number(row.at);
        if (!(atMs > since.get(row.workload_id)!)) continue;
        const list = out.get(row.workload_id) ?? [];
        list.push({ atMs, demand: Number(row.demand) });
        out.set(row.workload_id, list);
      }
    }
    return out;
  }

  async getWorkload(id: string): Promise<StoredWorkload | undefined> {
    // No stored id holds a NUL (PostgreSQL text cannot), and PostgreSQL refuses it in a query.
    if (!storableText(id)) return undefined;
    if (this.cache.complete) return this.cache.get(id);
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
    return this.cachedWorkloads(
      query => {
        if (filter.cluster) query.where('cluster', filter.cluster);
        if (filter.tenant) query.where('tenant', filter.tenant);
        if (filter.entityRef) query.where('entity_ref', filter.entityRef);
        return query;
      },
      w =>
        (!filter.cluster || w.cluster === filter.cluster) &&
        (!filter.tenant || w.tenant === filter.tenant) &&
        (!filter.entityRef || w.entityRef === filter.entityRef),
      filter.entityRef,
    );
  }

  /**
   * The scaling status of one entity's workloads, in id order: the state route, the API's
   * busiest. A store that is not the sole writer reads it in one indexed statement, without the
   * engine state: an API-only replica (`autoscaling.evaluationEnabled: false`) would otherwise
   * read whole rows for most requests, every tick rewriting many of them.
   */
  async entityStatuses(entityRef: string): Promise<WorkloadState[]> {
    if (!storableText(entityRef)) return [];
    if (this.soleWriter) {
      const workloads = await this.listWorkloads({ entityRef });
      return workloads.flatMap(w => (w.status ? [w.status] : []));
    }
    const rows: Array<{
      id: string;
      status_json: string | null;
      updated_at: number | string;
    }> = await this.knex('workloads')
      .select('id', 'status_json', 'updated_at')
      .where('entity_ref', entityRef)
      .orderBy('id');
    return rows.flatMap(row => {
      // A row this process deferred (`writeTick`) is newer in memory than stored, unless
      // another writer has written it since.
      const mine = this.unwritten.has(row.id)
        ? this.cache.get(row.id)
        : undefined;
      if (mine && mine.updatedAt === Number(row.updated_at))
        return mine.status ? [mine.status] : [];
      return row.status_json
        ? [JSON.parse(row.status_json) as WorkloadState]
        : [];
    });
  }

  /**
   * The workloads `filter` selects, in id order: their ids and versions in one statement, and
   * whole rows (chunked `in` lists) only for those not cached at their stored version. The
   * objects returned are shared with the cache and with other callers: read-only.
   */
  private async cachedWorkloads(
    filter: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
    selects: (workload: StoredWorkload) => boolean,
    /** When the filter names one entity: the cache's index answers without a scan. */
    entityRef?: string,
  ): Promise<StoredWorkload[]> {
    if (this.soleWriter && !this.cache.complete) {
      // Once, every row: from then on this store's own writes keep the cache whole.
      for (const row of await this.knex('workloads'))
        this.cache.set(toStoredWorkload(row));
      this.cache.complete = true;
    }
    if (this.cache.complete) {
      // Without a copy of all rows: a state request selects one entity's among 10,000.
      const selected: StoredWorkload[] = [];
      const candidates =
        entityRef === undefined
          ? this.cache.values()
          : this.cache.ofEntity(entityRef);
      for (const w of candidates) {
        // A cluster's tick selects among every cached row (10,000): in slices.
        if (entityRef === undefined) await paced();
        if (selects(w)) selected.push(w);
      }
      return selected.sort((a, b) => compareIds(a.id, b.id));
    }
    const versions: Array<{ id: string; updated_at: number | string }> =
      await filter(
        this.knex('workloads').select('id', 'updated_at').orderBy('id'),
      );
    const stale = versions
      .filter(
        row => this.cache.get(row.id)?.updatedAt !== Number(row.updated_at),
      )
      .map(row => row.id);
    for (const chunk of chunks(stale, 1)) {
      for (const row of await this.knex('workloads').whereIn('id', chunk)) {
        // Another writer's row replaces one this process deferred: theirs is newer.
        this.cache.set(toStoredWorkload(row));
        this.unwritten.delete(row.id);
      }
    }
    // A row deleted between the two reads is left out, as if read after.
    return versions.flatMap(row => {
      const cached = this.cache.get(row.id);
      return cached ? [cached] : [];
    });
  }

  async recordDecision(decision: NewDecision): Promise<Decision> {
    const [row] = await this.knex('decisions')
      .insert(decisionRow(decision))
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    const stored = { ...decision, id: String(id) };
    if (this.soleWriter) this.cache.noteDecision(stored);
    return stored;
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
      .insert(metricPointRow(workloadId, point, atMs))
      .onConflict(['workload_id', 'at'])
      .ignore();
    if (this.soleWriter) this.cache.notePoint(workloadId, atMs);
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
      .map(({ point, atMs }) => metricPointRow(workloadId, point, atMs));
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 100) {
      await this.knex('metric_points')
        .insert(rows.slice(i, i + 100))
        .onConflict(['workload_id', 'at'])
        .ignore();
    }
    if (this.soleWriter)
      for (const row of rows) this.cache.notePoint(workloadId, row.at);
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
    // The forecaster this process steps is newer than its last checkpoint.
    const live = this.forecasts.get(workloadId);
    if (live) return { state: live.state, updatedAt: live.checkpointMs };
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
    this.forecasts.delete(workloadId);
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
    if (decisions > 0) this.cache.forgetDecisions();
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

/**
 * Multi-row `insert … values (…), (…) on conflict … do update / do nothing`, written out
 * (SQLite 3.24+ and PostgreSQL read the same text), chunked by bound parameters only: knex's
 * own multi-row insert on SQLite is a compound `select`, capped at 500 rows.
 */
async function upsertRows(
  db: Knex,
  table: string,
  rows: Array<Record<string, unknown>>,
  conflict: string[],
  onConflict: 'merge' | 'ignore',
  maxRows = Infinity,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const merged = columns.filter(c => !conflict.includes(c));
  const row = `(${columns.map(() => '?').join(', ')})`;
  const action =
    onConflict === 'ignore'
      ? 'do nothing'
      : `do update set ${merged.map(() => '?? = excluded.??').join(', ')}`;
  for (const chunk of chunks(rows, columns.length, maxRows)) {
    // better-sqlite3 runs each statement synchronously: without a turn of the event loop in
    // between, a tick's statements would hold it for their whole sum.
    await paced();
    const sql = `insert into ?? (${columns
      .map(() => '??')
      .join(', ')}) values ${chunk
      .map(() => row)
      .join(', ')} on conflict (${conflict
      .map(() => '??')
      .join(', ')}) ${action}`;
    const bindings: unknown[] = [table, ...columns];
    for (const r of chunk) for (const c of columns) bindings.push(r[c] ?? null);
    bindings.push(...conflict);
    if (onConflict === 'merge') for (const c of merged) bindings.push(c, c);
    await db.raw(sql, bindings as Knex.RawBinding[]);
  }
}

function workloadRow(
  record: WorkloadRecord,
  state: WorkloadEngineState | Record<string, unknown>,
  status: WorkloadState | null,
  nowMs: number,
) {
  return {
    ...workloadRecordRow(record),
    state_json: JSON.stringify(state),
    status_json: status ? JSON.stringify(status) : null,
    updated_at: nowMs,
  };
}

function workloadRecordRow(record: WorkloadRecord) {
  return {
    id: record.id,
    entity_ref: record.entityRef,
    cluster: record.cluster,
    namespace: record.namespace,
    kind: record.kind,
    name: record.name,
    tenant: record.tenant,
    environment: record.environment,
    tier: record.tier,
  };
}

function decisionRow(decision: NewDecision) {
  return {
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
  };
}

function metricPointRow(workloadId: string, point: HistoryPoint, atMs: number) {
  return {
    workload_id: workloadId,
    at: atMs,
    replicas: point.replicas,
    ready_replicas: point.readyReplicas,
    desired_replicas: point.desiredReplicas,
    demand: point.demand,
    cpu_utilization: point.cpuUtilization,
  };
}

/** The databases' `order by id` for ASCII ids: by code unit. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function toStoredWorkload(row: any): StoredWorkload {
  // The engine state is the largest column and most readers (the state and workload routes)
  // never look at it: it is parsed on first read.
  let state: StoredWorkload['state'] | undefined;
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
    get state() {
      state ??= JSON.parse(row.state_json) as StoredWorkload['state'];
      return state;
    },
    set state(value) {
      state = value;
    },
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
