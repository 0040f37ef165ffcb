/**
 * Safety end to end, asserted from the simulated cluster's request log: `dry-run` and
 * `forecast-only` decide and record but send no write at all, and the global kill switch stops
 * writes within one tick (also when flipped while a tick is in flight). The real evaluator and
 * @kubernetes/client-node talk to cluster-sim; time is simulated.
 */
import type { EngineStatus } from '@internal/plugin-autoscaling-common';
import request from 'supertest';
import {
  isScaleWrite,
  NAMESPACE,
  SimBackend,
  startSimBackend,
  WORKLOAD,
  WORKLOAD_ID,
} from './__testUtils__/simBackend';

jest.setTimeout(60_000);

/** 1,500 rps on pods that serve 100 rps each: the engine wants more pods on every tick. */
const CROWD_RPS = 1500;

async function startWithCrowd(
  mode: 'auto' | 'dry-run' | 'forecast-only',
): Promise<SimBackend> {
  const b = await startSimBackend({ mode });
  // The first tick only sees pods that just became Ready (no usable CPU metric yet).
  await b.tick();
  b.sim.setDemand(NAMESPACE, WORKLOAD, CROWD_RPS);
  return b;
}

describe('modes that must never write, asserted from the simulator request log', () => {
  let b: SimBackend | undefined;
  afterEach(async () => {
    await b?.stop();
    b = undefined;
  });

  it('control: in auto mode the same crowd is written through the scale subresource', async () => {
    b = await startWithCrowd('auto');
    const tick = await b.tick();
    expect(
      b
        .requestsAt(tick.at)
        .filter(isScaleWrite)
        .map(r => r.status),
    ).toEqual([200]);
    expect(b.kubernetesWrites().length).toBeGreaterThan(0);
    expect(b.specReplicas()).toBeGreaterThan(2);
  });

  it.each(['dry-run', 'forecast-only'] as const)(
    '%s: decides and records every tick, sends zero writes',
    async mode => {
      const backend = await startWithCrowd(mode);
      b = backend;
      const ticks = [];
      for (let i = 0; i < 8; i++) ticks.push(await backend.tick());

      // The backend did talk to the cluster on every tick (the log sees its pod-metrics read;
      // the workloads and pods come from its watches)...
      for (const tick of ticks) {
        expect(tick).toMatchObject({ evaluated: 1, failures: 0 });
        const reads = backend.requestsAt(tick.at);
        expect(
          reads.some(
            r =>
              r.method === 'GET' &&
              r.path === '/apis/metrics.k8s.io/v1beta1/pods',
          ),
        ).toBe(true);
        // ...and, as nothing is to be written, never read the scale subresource...
        expect(
          reads.some(r => r.path.endsWith(`/deployments/${WORKLOAD}/scale`)),
        ).toBe(false);
      }
      // ...and not one request of it was a write.
      expect(backend.kubernetesWrites()).toEqual([]);
      expect(backend.sim.requests().every(r => r.method === 'GET')).toBe(true);
      expect(backend.specReplicas()).toBe(2);

      // Every tick decided to scale and recorded it, marked as not applied.
      for (const tick of ticks) {
        const rows = await backend.decisionsAt(tick.at);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          kind: 'scale',
          mode,
          outcome: mode,
          from: 2,
        });
        expect(rows[0].to).toBeGreaterThan(2);
        expect(rows[0].reasons).toContainEqual({
          code: 'NotApplied',
          message: `not applied: the workload is in ${mode} mode`,
        });
      }
      // The state shows what it would have done.
      const status = (await backend.service.store.getWorkload(WORKLOAD_ID))!
        .status!;
      expect(status).toMatchObject({ mode, currentReplicas: 2 });
      expect(status.desiredReplicas).toBeGreaterThan(2);
    },
  );
});

describe('the global kill switch, asserted from the simulator request log', () => {
  let b: SimBackend;
  beforeEach(async () => {
    b = await startWithCrowd('auto');
  });
  afterEach(async () => {
    await b.stop();
  });

  const flip = async (enabled: boolean) => {
    const response = await request(b.app)
      .put('/engine/kill-switch')
      .send({
        enabled,
        reason: enabled ? 'incident 4711: stop all scaling' : 'incident over',
      });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ enabled });
  };
  const writesAt = (at: number) =>
    b.requestsAt(at).filter(r => r.method !== 'GET');

  it('flipped between ticks: the next tick sends no write and records why; turning it off resumes', async () => {
    await flip(true);
    const status = (await request(b.app).get('/engine/status'))
      .body as EngineStatus;
    expect(status.killSwitch).toMatchObject({
      enabled: true,
      reason: 'incident 4711: stop all scaling',
    });

    const during = [];
    for (let i = 0; i < 5; i++) during.push(await b.tick());
    for (const tick of during) {
      expect(tick).toMatchObject({ evaluated: 1, failures: 0 });
      expect(writesAt(tick.at)).toEqual([]);
      const [row] = await b.decisionsAt(tick.at);
      expect(row).toMatchObject({
        kind: 'scale',
        outcome: 'kill-switch',
        from: 2,
        to: 3,
      });
      expect(row.reasons).toContainEqual({
        code: 'KillSwitch',
        message:
          'not applied: the global kill switch is on (incident 4711: stop all scaling)',
      });
    }
    expect(b.kubernetesWrites()).toEqual([]);
    expect(b.specReplicas()).toBe(2);

    // Off again: the very next tick writes the decision it has been holding back.
    await flip(false);
    const after = await b.tick();
    expect(
      writesAt(after.at)
        .filter(isScaleWrite)
        .map(r => r.status),
    ).toEqual([200]);
    expect(await b.decisionsAt(after.at)).toMatchObject([
      { kind: 'scale', outcome: 'applied', to: 3 },
    ]);
    expect(b.specReplicas()).toBe(3);
  });

  it('flipped while a tick is in flight: at most that tick writes, none after it', async () => {
    // Writes flow before the flip.
    const before = await b.tick();
    expect(
      writesAt(before.at)
        .filter(isScaleWrite)
        .map(r => r.status),
    ).toEqual([200]);

    // Slow every API response so the flip lands while the tick is still talking to the cluster.
    b.sim.setFaults({ api: { latencyMs: 80 } });
    const inFlight = b.tick();
    const at = b.sim.now();
    while (b.requestsAt(at).length === 0)
      await new Promise(r => setTimeout(r, 5));
    await flip(true);
    const flippedTick = await inFlight;
    expect(flippedTick).toMatchObject({ at, evaluated: 1, failures: 0 });
    expect(writesAt(at).length).toBeLessThanOrEqual(1);
    const writesBeforeNext = b.kubernetesWrites().length;
    const replicas = b.specReplicas();

    b.sim.clearFaults();
    // The crowd keeps asking for pods; the kill switch holds every later tick back.
    for (let i = 0; i < 20; i++) {
      const tick = await b.tick();
      expect(writesAt(tick.at)).toEqual([]);
      const rows = await b.decisionsAt(tick.at);
      for (const row of rows) expect(row.outcome).not.toBe('applied');
    }
    expect(b.kubernetesWrites()).toHaveLength(writesBeforeNext);
    expect(b.specReplicas()).toBe(replicas);
    const held = (await b.decisions()).filter(
      d => Date.parse(d.at) > at && d.outcome === 'kill-switch',
    );
    expect(held.length).toBeGreaterThan(0);
  });
});
