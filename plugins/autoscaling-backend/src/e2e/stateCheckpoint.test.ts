/**
 * Rows written when they matter, else at a checkpoint (evaluation/rowCheckpoint.ts), through
 * the real backend against the simulator: a steady workload's row waits for its checkpoint
 * while the portal reads the newer state, a decision is stored at once, and the backend's
 * shutdown hook writes what waited.
 */
import type { LifecycleService } from '@backstage/backend-plugin-api';
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import {
  NAMESPACE,
  startSimBackend,
  WORKLOAD,
  WORKLOAD_ID,
} from './__testUtils__/simBackend';

jest.setTimeout(120_000);

describe('workload rows and their checkpoint', () => {
  it('defers a steady row, stores a decision at once, and flushes at shutdown', async () => {
    const shutdownHooks: Array<() => void | Promise<void>> = [];
    const lifecycle: LifecycleService = {
      addStartupHook: () => {},
      addShutdownHook: hook => {
        shutdownHooks.push(hook);
      },
    };
    const b = await startSimBackend({ mode: 'auto', lifecycle });
    try {
      const storedRow = async () => {
        const row = await b
          .knex('workloads')
          .where({ id: WORKLOAD_ID })
          .first();
        return {
          updatedAt: Number(row.updated_at),
          status: JSON.parse(row.status_json) as WorkloadState,
        };
      };
      const portalStatus = async () =>
        (await b.service.store.getWorkload(WORKLOAD_ID))!.status!;

      // Steady demand: after the pods are up, ticks change nothing material.
      for (let i = 0; i < 4; i++) await b.tick(15);
      let deferredTicks = 0;
      for (let i = 0; i < 8; i++) {
        const { at } = await b.tick(15);
        const stored = await storedRow();
        // The portal reads this tick's evaluation whether or not the row was written.
        expect((await portalStatus()).lastEvaluatedAt).toBe(
          new Date(at).toISOString(),
        );
        if (stored.updatedAt < at) deferredTicks++;
        // No row waits longer than its checkpoint period (60 s) plus a tick.
        expect(at - stored.updatedAt).toBeLessThanOrEqual(75_000);
        expect(stored.status.currentReplicas).toBe(
          (await portalStatus()).currentReplicas,
        );
      }
      expect(deferredTicks).toBeGreaterThanOrEqual(4);

      // Five times the demand: a decision, stored with its row in the same tick.
      b.sim.sim.setDemandOverride(NAMESPACE, WORKLOAD, 400);
      const { at } = await b.tick(15);
      const stored = await storedRow();
      expect(stored.updatedAt).toBe(at);
      expect(stored.status.lastDecision).toMatchObject({
        kind: 'scale',
        outcome: 'applied',
      });
      expect(stored.status.lastDecision).toEqual(
        (await portalStatus()).lastDecision,
      );

      // A steady tick after it waits again; the shutdown hook writes it.
      await b.tick(15);
      const last = await b.tick(15);
      expect(shutdownHooks).toHaveLength(1);
      await shutdownHooks[0]();
      const flushed = await storedRow();
      expect(flushed.status).toEqual(await portalStatus());
      expect(flushed.status.lastEvaluatedAt).toBe(
        new Date(last.at).toISOString(),
      );
    } finally {
      await b.stop();
    }
  });
});
