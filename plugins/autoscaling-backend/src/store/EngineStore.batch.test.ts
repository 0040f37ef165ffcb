/**
 * The tick's batch reads and writes (issue 19): `readTick` and `writeTick` on SQLite and
 * PostgreSQL, with more rows than one statement may bind (chunks), decisions whose ids go into
 * the statuses, and chart points kept one per minute.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';
import {
  EngineStore,
  MAX_BINDINGS_PER_STATEMENT,
  POINT_ROWS_PER_STATEMENT,
  WORKLOAD_ROWS_PER_STATEMENT,
  type TickWorkloadWrite,
  type WorkloadRecord,
} from './EngineStore';
import { migrate } from './migrate';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const NOW = Date.parse('2026-01-05T09:00:00Z');

const recordOf = (cluster: string, i: number): WorkloadRecord => ({
  id: `${cluster}/ns/Deployment/svc-${i}`,
  entityRef: `component:default/svc-${i}`,
  cluster,
  namespace: 'ns',
  kind: 'Deployment',
  name: `svc-${i}`,
  tenant: 'acme',
  environment: 'production',
  tier: 'basic',
});

const statusOf = (record: WorkloadRecord, replicas: number) =>
  ({ id: record.id, currentReplicas: replicas } as unknown as WorkloadState);

function writeOf(
  record: WorkloadRecord,
  atMs: number,
  replicas: number,
  decided: boolean,
): TickWorkloadWrite {
  const at = new Date(atMs).toISOString();
  return {
    record,
    state: { podCpuRequest: replicas },
    status: statusOf(record, replicas),
    ...(decided
      ? {
          decision: {
            workloadId: record.id,
            at,
            kind: 'scale' as const,
            from: replicas - 1,
            to: replicas,
            mode: 'auto' as const,
            outcome: 'applied' as const,
            reasons: [{ code: 'Test', message: `to ${replicas}` }],
          },
        }
      : {}),
    point: {
      at,
      replicas,
      readyReplicas: replicas,
      desiredReplicas: replicas,
      demand: replicas / 2,
      cpuUtilization: 50,
    },
  };
}

/** Counts the `select`s of one table from now on (knex `query` events) until `stop`. */
function countSelects(knex: Knex, table: string) {
  const pattern = new RegExp(`^select.*${table}`, 'i');
  let count = 0;
  const onQuery = (q: { sql: string }) => {
    if (pattern.test(q.sql)) count += 1;
  };
  knex.on('query', onQuery);
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    stop: () => knex.removeListener('query', onQuery),
  };
}

/** A sole writer that wrote two workloads of `cluster` at NOW, the first with a decision when `decided`. */
async function soleWriterWithTwo(
  knex: Knex,
  cluster: string,
  decided: boolean,
) {
  await migrate(knex);
  const store = new EngineStore(knex, { soleWriter: true });
  const [a, b] = [0, 1].map(i => recordOf(cluster, i));
  await store.writeTick(
    {
      workloads: [writeOf(a, NOW, 3, decided), writeOf(b, NOW, 2, false)],
      forecasts: [],
      recentPointMs: new Map(),
    },
    NOW,
  );
  return { store, a, b };
}

describe.each(databases.eachSupportedId())(
  'EngineStore tick batches on %p',
  databaseId => {
    it('writes more workloads than one statement binds in a few statements, and reads them back in three', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      const store = new EngineStore(knex);
      // More rows than one statement binds (12 columns per workload row: 2,500 rows).
      const count = Math.floor(MAX_BINDINGS_PER_STATEMENT / 12) + 500;
      const records = Array.from({ length: count }, (_, i) =>
        recordOf('big', i),
      );
      await store.upsertWorkload(recordOf('other', 0), {}, null, NOW);

      let statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', onQuery);
      try {
        await store.writeTick(
          {
            workloads: records.map((r, i) => writeOf(r, NOW, 3, i % 2 === 0)),
            forecasts: [{ workloadId: records[0].id, state: { version: 1 } }],
            recentPointMs: new Map(),
          },
          NOW,
        );
        // begin, decisions (knex: 500 rows a statement on SQLite), workloads (200 rows a
        // statement), one forecast, points (1,000 rows a statement), commit.
        const sqlite = databaseId === 'SQLITE_3';
        expect(statements).toHaveLength(
          1 +
            (sqlite ? Math.ceil(Math.ceil(count / 2) / 500) : 1) +
            Math.ceil(count / WORKLOAD_ROWS_PER_STATEMENT) +
            1 +
            Math.ceil(count / POINT_ROWS_PER_STATEMENT) +
            1,
        );
        statements = [];
        const reads = await store.readTick('big', NOW + 30_000);
        expect(statements).toHaveLength(3);
        expect(reads.workloads.size).toBe(count);
        expect(reads.workloads.get(records[1].id)?.state).toEqual({
          podCpuRequest: 3,
        });
        // Every other workload got a decision; its id is in its status.
        expect(reads.lastDecisions.size).toBe(Math.ceil(count / 2));
        const decided = reads.lastDecisions.get(records[0].id)!;
        expect(decided).toMatchObject({ from: 2, to: 3, outcome: 'applied' });
        expect(
          reads.workloads.get(records[0].id)?.status?.lastDecision?.id,
        ).toBe(decided.id);
        expect(reads.workloads.get(records[1].id)?.status?.lastDecision).toBe(
          undefined,
        );
        // Points less than a minute old, per workload; none of another cluster.
        expect(reads.recentPointMs.size).toBe(count);
        expect(reads.recentPointMs.get(records[5].id)).toBe(NOW);

        // A tick 30 s later: no second point within the minute; the newest decision wins.
        await store.writeTick(
          {
            workloads: [writeOf(records[0], NOW + 30_000, 4, true)],
            forecasts: [],
            recentPointMs: reads.recentPointMs,
          },
          NOW + 30_000,
        );
      } finally {
        knex.removeListener('query', onQuery);
      }
      const points = await store.listMetricPoints(records[0].id, 0);
      expect(points.map(p => p.replicas)).toEqual([3]);
      const next = await store.readTick('big', NOW + 60_000);
      expect(next.lastDecisions.get(records[0].id)).toMatchObject({
        to: 4,
      });
      expect(next.workloads.get(records[0].id)?.status?.currentReplicas).toBe(
        4,
      );
      expect(
        (await store.getForecastStates([records[0].id, records[1].id])).size,
      ).toBe(1);
    });

    it('reuses the rows it wrote and reads again those another replica wrote since', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      // Two processes: each checks the stored versions (SQLite defaults to one writer).
      const replicaA = new EngineStore(knex, { soleWriter: false });
      const replicaB = new EngineStore(knex, { soleWriter: false });
      const records = [0, 1, 2].map(i => recordOf('shared', i));
      await replicaA.writeTick(
        {
          workloads: records.map(r => writeOf(r, NOW, 3, false)),
          forecasts: [],
          recentPointMs: new Map(),
        },
        NOW,
      );
      let statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      knex.on('query', onQuery);
      try {
        // A wrote every row: it reads ids and versions, no whole row.
        const first = await replicaA.readTick('shared', NOW + 10_000);
        expect(statements).toHaveLength(3);
        expect(first.workloads.get(records[1].id)?.state).toEqual({
          podCpuRequest: 3,
        });

        // B takes the cluster over for a tick and writes workload 1.
        await replicaB.writeTick(
          {
            workloads: [writeOf(records[1], NOW + 10_000, 5, false)],
            forecasts: [],
            recentPointMs: new Map(),
          },
          NOW + 10_000,
        );
        statements = [];
        const second = await replicaA.readTick('shared', NOW + 20_000);
        // …and A reads that one row whole (one more statement), the others from memory.
        expect(statements).toHaveLength(4);
        expect(second.workloads.get(records[1].id)?.state).toEqual({
          podCpuRequest: 5,
        });
        expect(
          second.workloads.get(records[1].id)?.status?.currentReplicas,
        ).toBe(5);
        expect(second.workloads.get(records[0].id)?.state).toEqual({
          podCpuRequest: 3,
        });
        const [listed] = await replicaA.listWorkloads({
          entityRef: records[1].entityRef,
        });
        expect(listed.status?.currentReplicas).toBe(5);
      } finally {
        knex.removeListener('query', onQuery);
      }
    });

    it('as the only writer (SQLite), answers workload reads from memory, even while a transaction holds the connection', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      const store = new EngineStore(knex, { soleWriter: true });
      // Another store of the same process on the same database writes through the same cache.
      const sameProcess = new EngineStore(knex, { soleWriter: true });
      const [first, second] = [0, 1].map(i => recordOf('solo', i));
      await store.writeTick(
        {
          workloads: [writeOf(second, NOW, 3, true)],
          forecasts: [],
          recentPointMs: new Map(),
        },
        NOW,
      );
      // The first read loads every row once.
      expect(
        (await store.listWorkloads({ cluster: 'solo' })).map(w => w.id),
      ).toEqual([second.id]);
      await sameProcess.upsertWorkload(
        first,
        { podCpuRequest: 1 },
        statusOf(first, 1),
        NOW,
      );

      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      // On SQLite this holds the pool's only connection until it ends.
      const trx = await knex.transaction();
      knex.on('query', onQuery);
      try {
        const [listed] = await store.listWorkloads({
          entityRef: second.entityRef,
        });
        expect(listed.status?.currentReplicas).toBe(3);
        expect(listed.status?.lastDecision?.to).toBe(3);
        expect((await store.getWorkload(first.id))?.state).toEqual({
          podCpuRequest: 1,
        });
        expect(
          (await store.listWorkloads({ cluster: 'solo' })).map(w => w.id),
        ).toEqual([first.id, second.id]);
        expect(await store.listWorkloads({ tenant: 'nobody' })).toEqual([]);
        expect(statements).toEqual([]);
      } finally {
        knex.removeListener('query', onQuery);
        await trx.rollback();
      }
    });

    it("as the only writer, reads a cluster's newest decisions once and then keeps them; a prune reads them again", async () => {
      const knex = await databases.init(databaseId);
      const { store, a, b } = await soleWriterWithTwo(knex, 'kept', true);
      const decisionReads = countSelects(knex, 'decisions');
      try {
        expect(
          (await store.readTick('kept', NOW)).lastDecisions.get(a.id)?.to,
        ).toBe(3);
        expect(decisionReads.count).toBe(1);
        decisionReads.reset();
        // A tick's decision and one recorded by a route are both known without a read.
        await store.writeTick(
          {
            workloads: [writeOf(a, NOW + 15_000, 4, true)],
            forecasts: [],
            recentPointMs: new Map(),
          },
          NOW + 15_000,
        );
        const manual = await store.recordDecision({
          workloadId: b.id,
          at: new Date(NOW + 20_000).toISOString(),
          kind: 'scale',
          from: 2,
          to: 5,
          mode: 'auto',
          outcome: 'applied',
          reasons: [{ code: 'ManualScale', message: 'by hand' }],
          actor: 'user:default/alice',
        });
        decisionReads.reset();
        const reads = await store.readTick('kept', NOW + 30_000);
        expect(decisionReads.count).toBe(0);
        expect(reads.lastDecisions.get(a.id)?.to).toBe(4);
        expect(reads.lastDecisions.get(b.id)).toEqual(manual);
        // What the database holds is the same.
        const fresh = new EngineStore(knex, { soleWriter: false });
        expect(
          (await fresh.readTick('kept', NOW + 30_000)).lastDecisions,
        ).toEqual(reads.lastDecisions);

        // A prune that deletes decisions makes the next tick read them again.
        await store.prune(NOW + 16_000);
        decisionReads.reset();
        const pruned = await store.readTick('kept', NOW + 30_000);
        expect(decisionReads.count).toBe(1);
        expect([...pruned.lastDecisions.keys()]).toEqual([b.id]);
      } finally {
        decisionReads.stop();
      }
    });

    it("as the only writer, reads a cluster's newest chart points once and then keeps them", async () => {
      const knex = await databases.init(databaseId);
      const { store, a, b } = await soleWriterWithTwo(knex, 'points', false);
      const pointReads = countSelects(knex, 'metric_points');
      const fresh = () => new EngineStore(knex, { soleWriter: false });
      try {
        const first = await store.readTick('points', NOW + 10_000);
        expect(pointReads.count).toBe(1);
        expect(first.recentPointMs).toEqual(
          new Map([
            [a.id, NOW],
            [b.id, NOW],
          ]),
        );
        // A tick's point and one recorded by a route are both known without a read.
        const later = await store.readTick('points', NOW + 70_000);
        await store.writeTick(
          {
            workloads: [writeOf(a, NOW + 70_000, 4, false)],
            forecasts: [],
            recentPointMs: later.recentPointMs,
          },
          NOW + 70_000,
        );
        await store.recordMetricPoint(
          b.id,
          writeOf(b, NOW + 75_000, 2, false).point!,
        );
        pointReads.reset();
        const reads = await store.readTick('points', NOW + 80_000);
        expect(pointReads.count).toBe(0);
        expect(reads.recentPointMs).toEqual(
          new Map([
            [a.id, NOW + 70_000],
            [b.id, NOW + 75_000],
          ]),
        );
        // What the database holds is the same, and so is it once every point is old.
        expect(
          (await fresh().readTick('points', NOW + 80_000)).recentPointMs,
        ).toEqual(reads.recentPointMs);
        const old = await store.readTick('points', NOW + 200_000);
        expect(old.recentPointMs).toEqual(new Map());
        expect(
          (await fresh().readTick('points', NOW + 200_000)).recentPointMs,
        ).toEqual(old.recentPointMs);
      } finally {
        pointReads.stop();
      }
    });

    it("finds an entity's rows after the row moved to another entity", async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      const store = new EngineStore(knex, { soleWriter: true });
      const record = recordOf('moved', 0);
      await store.upsertWorkload(record, {}, statusOf(record, 1), NOW);
      expect(
        await store.listWorkloads({ entityRef: record.entityRef }),
      ).toHaveLength(1);
      const moved = { ...record, entityRef: 'component:default/renamed' };
      await store.upsertWorkload(moved, {}, statusOf(moved, 1), NOW + 1);
      expect(
        await store.listWorkloads({ entityRef: record.entityRef }),
      ).toEqual([]);
      expect(
        (await store.listWorkloads({ entityRef: moved.entityRef })).map(
          w => w.id,
        ),
      ).toEqual([record.id]);
    });

    it('keeps deferred rows in memory at the stored version, reads them back, and writes them when flushed', async () => {
      const knex = await databases.init(databaseId);
      await migrate(knex);
      // Not the only writer, as with several replicas on PostgreSQL: every read checks versions.
      const store = new EngineStore(knex, { soleWriter: false });
      const other = new EngineStore(knex, { soleWriter: false });
      const records = [recordOf('c', 0), recordOf('c', 1), recordOf('c', 2)];
      await store.writeTick(
        {
          workloads: records.map(r => writeOf(r, NOW, 3, false)),
          forecasts: [],
          recentPointMs: new Map(),
        },
        NOW,
      );
      const later = NOW + 15_000;
      await store.writeTick(
        {
          workloads: [writeOf(records[0], later, 4, true)],
          deferred: [
            writeOf(records[1], later, 5, false),
            // A deferred row with a decision is written: the decision must be stored.
            writeOf(records[2], later, 6, true),
          ],
          forecasts: [],
          recentPointMs: new Map(),
        },
        later,
      );
      const stored = async (s: EngineStore) =>
        (await s.listWorkloads({ cluster: 'c' })).map(w => [
          w.state.podCpuRequest,
          w.updatedAt,
        ]);
      // This process reads the deferred row as it holds it, at the stored version.
      expect(await stored(store)).toEqual([
        [4, later],
        [5, NOW],
        [6, later],
      ]);
      expect(
        (await store.readTick('c', later)).workloads.get(records[1].id)?.state,
      ).toEqual({ podCpuRequest: 5 });
      // Another replica reads what is stored.
      expect(await stored(other)).toEqual([
        [4, later],
        [3, NOW],
        [6, later],
      ]);
      // The state route's read (status only, one statement) agrees with both.
      const replicasShown = async (s: EngineStore, i: number) =>
        (await s.entityStatuses(records[i].entityRef)).map(
          w => w.currentReplicas,
        );
      expect(await replicasShown(store, 0)).toEqual([4]);
      expect(await replicasShown(store, 1)).toEqual([5]);
      expect(await replicasShown(other, 1)).toEqual([3]);
      expect(await replicasShown(other, 2)).toEqual([6]);
      expect(await other.entityStatuses('component:default/nobody')).toEqual(
        [],
      );
      // The deferred row's chart point was written.
      expect(await store.listMetricPoints(records[1].id, later)).toHaveLength(
        1,
      );

      const flushedAt = later + 1_000;
      expect(await store.flushDeferred(flushedAt)).toBe(1);
      expect(await stored(other)).toEqual([
        [4, later],
        [5, flushedAt],
        [6, later],
      ]);
      expect(await store.flushDeferred(flushedAt)).toBe(0);

      // Another writer's row replaces a deferred one: theirs is newer, and nothing is flushed.
      const next = flushedAt + 15_000;
      await store.writeTick(
        {
          workloads: [],
          deferred: [writeOf(records[1], next, 7, false)],
          forecasts: [],
          recentPointMs: new Map(),
        },
        next,
      );
      await other.upsertWorkload(
        records[1],
        { podCpuRequest: 8 },
        statusOf(records[1], 8),
        next + 1,
      );
      expect(await replicasShown(store, 1)).toEqual([8]);
      expect((await stored(store))[1]).toEqual([8, next + 1]);
      expect(await store.flushDeferred(next + 2)).toBe(0);
    });
  },
);
