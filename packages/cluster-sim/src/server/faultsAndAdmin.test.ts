import type { RunningClusterSim } from '../start';
import { call, startTestSim } from '../testing/fixtures';

/** Sum of a counter family over the series matching every label in `labels`. */
function sumSeries(
  text: string,
  name: string,
  labels: Record<string, string>,
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const ok = Object.entries(labels).every(([k, v]) =>
      line.includes(`${k}="${v}"`),
    );
    if (ok) sum += Number(line.split('} ')[1].split(' ')[0]);
  }
  return sum;
}

describe('metrics exposition, faults and admin endpoints', () => {
  let sim: RunningClusterSim;
  beforeEach(async () => {
    sim = await startTestSim({ faults: { seed: 5 } });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('exposes per-pod series whose request counters grow by demand x simulated time', async () => {
    const m1 = await call(sim, 'GET', '/metrics', { token: null });
    expect(m1.status).toBe(200);
    expect(m1.headers.get('content-type')).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    for (const family of [
      'http_requests_total',
      'container_cpu_usage_seconds_total',
      'container_memory_working_set_bytes',
      'http_requests_in_flight',
      'http_request_queue_length',
      'http_request_duration_seconds_bucket',
    ]) {
      expect(m1.text).toMatch(
        new RegExp(
          `^${family}\\{namespace="shop",deployment="web",pod="web-[a-z0-9-]+"`,
          'm',
        ),
      );
    }
    // manual clock: samples carry simulated-time timestamps
    expect(m1.text).toMatch(
      new RegExp(
        `^http_requests_total\\{[^}]+\\} [0-9.e+-]+ ${sim.now()}$`,
        'm',
      ),
    );
    const before = sumSeries(m1.text, 'http_requests_total', {
      deployment: 'web',
    });
    sim.advance(100);
    const m2 = await call(sim, 'GET', '/metrics', { token: null });
    expect(
      sumSeries(m2.text, 'http_requests_total', { deployment: 'web' }) - before,
    ).toBeCloseTo(6000, 0);
    expect(m2.text).toMatch(
      /^cluster_sim_demand_requests_per_second\{namespace="shop",deployment="web"\} 60 /m,
    );
    expect(m2.text).toMatch(
      /^kube_deployment_spec_replicas\{namespace="shop",deployment="web"\} 2 /m,
    );
  });

  it('overrides demand through /sim/demand and restores it', async () => {
    const put = await call(sim, 'PUT', '/sim/demand/shop/web', {
      body: { rps: 300 },
    });
    expect(put.status).toBe(200);
    sim.advance(60);
    const w = (await call(sim, 'GET', '/sim/workloads')).body.items.find(
      (x: { name: string }) => x.name === 'web',
    );
    expect(w).toMatchObject({
      demandRps: 300,
      demandOverride: 300,
      readyPods: 2,
    });
    expect(w.queue).toBeGreaterThan(0); // 300 rps > 2 x 50 rps: overloaded, queueing
    expect((await call(sim, 'DELETE', '/sim/demand/shop/web')).body.rps).toBe(
      60,
    );
    expect(
      (await call(sim, 'PUT', '/sim/demand/shop/nope', { body: { rps: 1 } }))
        .status,
    ).toBe(404);
    expect(
      (await call(sim, 'PUT', '/sim/demand/shop/web', { body: { rps: -1 } }))
        .status,
    ).toBe(400);
    // a read-only token may look at the simulator but not change it
    expect(
      (await call(sim, 'GET', '/sim/state', { token: 'readonly-token' }))
        .status,
    ).toBe(200);
    const ro = await call(sim, 'PUT', '/sim/demand/shop/web', {
      token: 'readonly-token',
      body: { rps: 1 },
    });
    expect(ro.status).toBe(403);
    expect(ro.body.reason).toBe('Forbidden');
  });

  it('advances the clock through /sim/clock/advance', async () => {
    const t0 = sim.now();
    const r = await call(sim, 'POST', '/sim/clock/advance', {
      body: { seconds: 3600 },
    });
    expect(r.body.timeMs).toBe(t0 + 3_600_000);
    expect(sim.now()).toBe(t0 + 3_600_000);
  });

  it('injects API errors and conflicts deterministically under a seed', async () => {
    const run = async () => {
      await call(sim, 'PUT', '/sim/faults', {
        body: { seed: 9, api: { errorRate: 0.3, conflictRate: 0.5 } },
      });
      const codes: number[] = [];
      const errorKinds = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const r =
          i % 2
            ? await call(
                sim,
                'GET',
                '/apis/apps/v1/namespaces/shop/deployments/web',
              )
            : await call(
                sim,
                'PATCH',
                '/apis/apps/v1/namespaces/shop/deployments/web/scale',
                {
                  contentType: 'application/merge-patch+json',
                  body: { spec: { replicas: 2 } },
                },
              );
        codes.push(r.status);
        if (r.status >= 400) errorKinds.add(r.body.kind);
      }
      expect([...errorKinds]).toEqual(['Status']);
      return codes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(409);
    expect(a).toContain(200);
    // conflicts only on writes
    expect(a.filter((c, i) => c === 409 && i % 2 === 1)).toHaveLength(0);
  });

  it('injects outages, metrics outages and workload errors/latency', async () => {
    await call(sim, 'PATCH', '/sim/faults', {
      body: { api: { outage: true } },
    });
    const down = await call(sim, 'GET', '/api/v1/pods');
    expect(down.status).toBe(503);
    expect(down.body.reason).toBe('ServiceUnavailable');
    expect((await call(sim, 'GET', '/sim/faults')).status).toBe(200); // admin still works
    await call(sim, 'PATCH', '/sim/faults', {
      body: { api: { outage: false }, metricsOutage: true },
    });
    expect((await call(sim, 'GET', '/api/v1/pods')).status).toBe(200);
    expect((await call(sim, 'GET', '/metrics', { token: null })).status).toBe(
      503,
    );
    expect(
      (await call(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/pods')).status,
    ).toBe(503);
    await call(sim, 'PUT', '/sim/faults', {
      body: {
        workloads: [
          { namespace: 'shop', name: 'web', errorRate: 0.25, latencyMs: 500 },
        ],
      },
    });
    const m1 = (await call(sim, 'GET', '/metrics', { token: null })).text;
    sim.advance(100);
    const m2 = (await call(sim, 'GET', '/metrics', { token: null })).text;
    const errors =
      sumSeries(m2, 'http_requests_total', { deployment: 'web', code: '500' }) -
      sumSeries(m1, 'http_requests_total', { deployment: 'web', code: '500' });
    expect(errors).toBeCloseTo(6000 * 0.25, 0);
    const sumDelta =
      sumSeries(m2, 'http_request_duration_seconds_sum', {
        deployment: 'web',
      }) -
      sumSeries(m1, 'http_request_duration_seconds_sum', { deployment: 'web' });
    const countDelta =
      sumSeries(m2, 'http_request_duration_seconds_count', {
        deployment: 'web',
      }) -
      sumSeries(m1, 'http_request_duration_seconds_count', {
        deployment: 'web',
      });
    expect(sumDelta / countDelta).toBeGreaterThan(0.5);
    const bad = await call(sim, 'PATCH', '/sim/faults', {
      body: { api: { errorRate: 3 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/faults\.api\.errorRate/);
    await call(sim, 'DELETE', '/sim/faults');
    expect((await call(sim, 'GET', '/sim/faults')).body.workloads).toEqual([]);
  });
});
