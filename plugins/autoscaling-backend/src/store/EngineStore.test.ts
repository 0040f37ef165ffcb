import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineStore, WorkloadRecord } from './EngineStore';
import { encodeForecastRow, decodeForecastRow } from './forecastRow';
import { migrate } from './migrate';
import { runLive } from './__testUtils__/liveForecastState';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A workload's live forecast state after 14 days of one-minute ticks (built once). */
let fourteenDays: Record<string, unknown> | undefined;
const fourteenDayState = () =>
  (fourteenDays ??= runLive(14).state as unknown as Record<string, unknown>);

const record: WorkloadRecord = {
  id: 'sim-local/acme-production/Deployment/checkout-api',
  entityRef: 'component:default/checkout-api',
  cluster: 'sim-local',
  namespace: 'acme-production',
  kind: 'Deployment',
  name: 'checkout-api',
  tenant: 'acme',
  environment: 'production',
  tier: 'enterprise',
};

describe.each(databases.eachSupportedId())('EngineStore on %p', databaseId => {
  async function createStore() {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    return new EngineStore(knex);
  }

  it('upserts workloads with their compact state', async () => {
    const store = await createStore();
    await store.upsertWorkload(
      record,
      { horizontal: { events: [] } },
      null,
      1000,
    );
    await store.upsertWorkload(
      record,
      { horizontal: { events: [1] } },
      null,
      2000,
    );
    const stored = await store.getWorkload(record.id);
    expect(stored?.state).toEqual({ horizontal: { events: [1] } });
    expect(stored?.updatedAt).toBe(2000);
    expect(await store.listWorkloads({ tenant: 'acme' })).toHaveLength(1);
    expect(await store.listWorkloads({ tenant: 'globex' })).toHaveLength(0);
  });

  it('records decisions newest first and prunes them after the retention', async () => {
    const store = await createStore();
    const base = Date.parse('2026-11-22T10:00:00Z');
    for (let i = 0; i < 3; i++) {
      await store.recordDecision({
        workloadId: record.id,
        at: new Date(base + i * 60_000).toISOString(),
        kind: 'scale',
        from: 2 + i,
        to: 3 + i,
        mode: 'auto',
        outcome: 'applied',
        reasons: [{ code: 'MetricsProposal', message: `step ${i}` }],
      });
    }
    const decisions = await store.listDecisions(record.id);
    expect(decisions.map(d => d.to)).toEqual([5, 4, 3]);
    expect(decisions[0].reasons[0].message).toBe('step 2');
    expect(await store.prune(base + 60_000)).toEqual({
      decisions: 1,
      points: 0,
    });
    expect(await store.listDecisions(record.id)).toHaveLength(2);
  });

  it("stores a decision's clamp as data and reads rows stored before clamps without one", async () => {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    const store = new EngineStore(knex);
    const at = '2026-12-03T08:00:00.000Z';
    const clamp = {
      by: 'quota' as const,
      limit: 10,
      wanted: 28,
      also: ['max' as const],
    };
    await store.recordDecision({
      workloadId: record.id,
      at,
      kind: 'blocked',
      from: 10,
      to: 10,
      mode: 'auto',
      outcome: 'unchanged',
      reasons: [{ code: 'TooManyReplicas', message: 'capped (28 → 12)' }],
      clamp,
    });
    // A row written by an earlier build: no clamp_json.
    await knex('decisions').insert({
      workload_id: record.id,
      at: Date.parse(at) - 60_000,
      kind: 'hold',
      from_replicas: 12,
      to_replicas: 12,
      mode: 'auto',
      outcome: 'unchanged',
      reasons_json: JSON.stringify([
        { code: 'TooManyReplicas', message: 'old' },
      ]),
    });
    const [latest, old] = await store.listDecisions(record.id);
    expect(latest.clamp).toEqual(clamp);
    expect(old.reasons[0].message).toBe('old');
    expect(old).not.toHaveProperty('clamp');
  });

  it('keeps at most one metric point per minute', async () => {
    const store = await createStore();
    const base = Date.parse('2026-11-22T10:00:00Z');
    const point = (offsetMs: number) => ({
      at: new Date(base + offsetMs).toISOString(),
      replicas: 3,
      readyReplicas: 3,
      desiredReplicas: 4,
      demand: 1.5,
      cpuUtilization: 72,
    });
    expect(await store.recordMetricPoint(record.id, point(0))).toBe(true);
    expect(await store.recordMetricPoint(record.id, point(15_000))).toBe(false);
    expect(await store.recordMetricPoint(record.id, point(60_000))).toBe(true);
    const points = await store.listMetricPoints(record.id, base);
    expect(points).toHaveLength(2);
    expect(points[0]).toEqual(point(0));
  });

  it('stores the forecast state compact: ≤ 16 kB after a 14-day history, read back whole', async () => {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    const store = new EngineStore(knex);
    expect(await store.getForecastState(record.id)).toBeUndefined();
    const state = fourteenDayState();
    await store.saveForecastState(record.id, state, 1000);
    const row = await knex('workload_forecasts')
      .where({ workload_id: record.id })
      .first();
    const bytes = Buffer.byteLength(row.state_json, 'utf8');
    expect(bytes).toBeLessThanOrEqual(16_000);
    expect(bytes).toBeLessThan(
      Buffer.byteLength(JSON.stringify(state), 'utf8') / 2,
    );
    expect(row.state_json).toBe(encodeForecastRow(state));
    const stored = await store.getForecastState(record.id);
    expect(stored?.updatedAt).toBe(1000);
    expect(stored?.state).toEqual(
      decodeForecastRow(encodeForecastRow(state), record.id),
    );
    expect(stored?.state.anomalies).toEqual(state.anomalies);
  }, 60_000);

  it('reads a forecast state stored as plain JSON before the compact format', async () => {
    const knex = await databases.init(databaseId);
    await migrate(knex);
    const store = new EngineStore(knex);
    const state = fourteenDayState();
    await knex('workload_forecasts').insert({
      workload_id: record.id,
      state_json: JSON.stringify(state),
      updated_at: 500,
    });
    const legacy = await store.getForecastState(record.id);
    expect(legacy?.state).toEqual(JSON.parse(JSON.stringify(state)));
    // The next save writes it compact.
    await store.saveForecastState(record.id, legacy!.state, 1000);
    const row = await knex('workload_forecasts')
      .where({ workload_id: record.id })
      .first();
    expect(JSON.parse(row.state_json).$row).toBe(1);
  }, 60_000);

  it('stores the kill switch', async () => {
    const store = await createStore();
    expect(await store.getKillSwitch()).toBeUndefined();
    const state = {
      enabled: true,
      changedBy: 'user:default/pat',
      changedAt: '2026-11-22T10:00:00.000Z',
      reason: 'incident 42',
    };
    await store.setKillSwitch(state, 1);
    expect(await store.getKillSwitch()).toEqual(state);
  });
});

describe('embedded SQLite file database', () => {
  it('keeps data across a restart of the backend process', async () => {
    const file = join(
      mkdtempSync(join(tmpdir(), 'autoscaling-store-')),
      'autoscaling.sqlite',
    );
    const open = () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
      });

    const first = open();
    await migrate(first);
    await new EngineStore(first).upsertWorkload(
      record,
      { kept: true },
      null,
      42,
    );
    await first.destroy();

    const second = open();
    await migrate(second);
    const stored = await new EngineStore(second).getWorkload(record.id);
    await second.destroy();
    expect(stored?.state).toEqual({ kept: true });
  });
});
