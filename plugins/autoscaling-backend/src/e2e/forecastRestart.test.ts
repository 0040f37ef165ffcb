/**
 * A backend restart keeps each workload's forecaster: the state lives in `workload_forecasts`,
 * so the restarted backend neither refits nor re-reads the past. SQLite and PostgreSQL.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import type { WorkloadForecast } from '@internal/plugin-autoscaling-common';
import request from 'supertest';
import { liveForecastStateOf } from '../evaluation/predictiveStep';
import {
  WORKLOAD_ID,
  startPastServer,
  startPredictiveBackend,
  startSimulator,
} from './__testUtils__/predictiveBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'forecaster state across a restart on %p',
  databaseId => {
    it('survives: same fit, same model, no refit and no second read of the past on the next tick', async () => {
      const knex = await databases.init(databaseId);
      const sim = await startSimulator();
      sim.advance(2 * 86400);
      const past = await startPastServer(sim);
      try {
        const first = await startPredictiveBackend({
          sim,
          knex,
          mode: 'auto',
          prometheusUrl: past.baseUrl,
        });
        for (let i = 0; i < 5; i++) await first.tick(60);
        const before = liveForecastStateOf(
          (await first.service.store.getForecastState(WORKLOAD_ID))?.state,
        )!;
        expect(before.predictive.forecaster).not.toBeNull();
        const fitAt = before.predictive.lastFitMs;
        const chosen = before.predictive.forecaster!.fit.chosen;
        expect(past.queries).toHaveLength(3);
        // The row is the compact format (issue 12: ≤ 16 kB per workload).
        const row = await knex('workload_forecasts')
          .where({ workload_id: WORKLOAD_ID })
          .first();
        expect(JSON.parse(row.state_json)).toMatchObject({
          $row: 1,
          predictive: { ps: 1 },
        });
        expect(Buffer.byteLength(row.state_json, 'utf8')).toBeLessThanOrEqual(
          16_000,
        );

        // Restart: a new backend on the same database (nothing kept in memory).
        const second = await startPredictiveBackend({
          sim,
          knex,
          mode: 'auto',
          prometheusUrl: past.baseUrl,
        });
        await second.tick(60);
        const after = liveForecastStateOf(
          (await second.service.store.getForecastState(WORKLOAD_ID))?.state,
        )!;
        expect(after.predictive.lastFitMs).toBe(fitAt);
        expect(after.predictive.lastAttemptMs).toBe(
          before.predictive.lastAttemptMs,
        );
        expect(after.predictive.forecaster!.fit.chosen).toBe(chosen);
        expect(after.predictive.forecaster!.fit.fittedAtMs).toBe(
          before.predictive.forecaster!.fit.fittedAtMs,
        );
        // It carried on from where it was: one more sample observed, no second read of the past.
        expect(after.predictive.lastObservedMs).toBe(sim.now());
        expect(past.queries).toHaveLength(3);
        const forecast = (
          await request(second.app).get(
            `/workloads/${encodeURIComponent(WORKLOAD_ID)}/forecast`,
          )
        ).body as WorkloadForecast;
        expect(forecast.model).toBe(chosen);
        expect(forecast.points.length).toBe(288);
      } finally {
        await past.close();
        await sim.stop();
      }
    });
  },
);
