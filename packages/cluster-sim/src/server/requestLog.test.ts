import { createAcceleratedClock } from '../clock';
import type { RunningClusterSim } from '../start';
import { call, START, startTestSim } from '../testing/fixtures';
import { RequestLog } from './requestLog';

describe('request log', () => {
  let sim: RunningClusterSim;
  beforeEach(async () => {
    sim = await startTestSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('records method, path without query, simulated arrival time and status of every request', async () => {
    const t0 = sim.now();
    await call(
      sim,
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments?labelSelector=app%3Dweb',
    );
    sim.advance(30);
    const scale = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        body: { spec: { replicas: 3 } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(scale.status).toBe(200);
    const forbidden = await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        token: 'readonly-token',
        body: { spec: { replicas: 4 } },
        contentType: 'application/merge-patch+json',
      },
    );
    expect(forbidden.status).toBe(403);
    await call(sim, 'GET', '/metrics', { token: null });

    expect(sim.requests()).toEqual([
      {
        time: t0,
        method: 'GET',
        path: '/apis/apps/v1/namespaces/shop/deployments',
        status: 200,
      },
      {
        time: t0 + 30_000,
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/shop/deployments/web/scale',
        status: 200,
      },
      {
        time: t0 + 30_000,
        method: 'PATCH',
        path: '/apis/apps/v1/namespaces/shop/deployments/web/scale',
        status: 403,
      },
      { time: t0 + 30_000, method: 'GET', path: '/metrics', status: 200 },
    ]);
  });

  it('records the status of injected faults, returns copies and can be cleared', async () => {
    sim.setFaults({ api: { outage: true } });
    await call(sim, 'GET', '/api/v1/namespaces/shop/pods');
    const [entry] = sim.requests();
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/v1/namespaces/shop/pods',
      status: 503,
    });
    entry.status = 999;
    expect(sim.requests()[0].status).toBe(503);
    sim.clearRequests();
    expect(sim.requests()).toEqual([]);
  });

  it('keeps only the most recent entries up to its capacity', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 10; i++) log.start(i, 'GET', `/p${i}`);
    expect(log.list().map(e => e.path)).toEqual(['/p7', '/p8', '/p9']);
    expect(() => new RequestLog(0)).toThrow(/positive integer/);
  });
});

describe('request log on a running clock', () => {
  it("records the clock's time of arrival, not the model's (which moves by whole steps)", async () => {
    let wallMs = START;
    const sim = await startTestSim(
      { clock: { tickSeconds: 5 } },
      {
        clock: createAcceleratedClock({
          startMs: START,
          wallNow: () => wallMs,
        }),
      },
    );
    try {
      wallMs += 1_200; // less than a model step: the request does not move the model
      await call(sim, 'GET', '/apis/apps/v1/namespaces/shop/deployments');
      expect(sim.now()).toBe(START);
      expect(sim.requests().map(r => r.time)).toEqual([START + 1_200]);
    } finally {
      await sim.stop();
    }
  });
});
