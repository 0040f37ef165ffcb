/**
 * The Prometheus HTTP API under /prometheus, through the real server: the simulated past of the
 * demo config, how it joins the live cluster, and Prometheus' error shapes.
 */
import { resolve } from 'node:path';
import { startClusterSim, RunningClusterSim } from '../start';
import { createManualClock } from '../clock';
import { call, START, startTestSim } from '../testing/fixtures';

jest.setTimeout(60_000);

const DAY_S = 86_400;
const S = START / 1000;
const QUERIES = (ns: string, name: string) => ({
  cpu: `sum(rate(container_cpu_usage_seconds_total{namespace="${ns}",deployment="${name}"}[5m]))`,
  spec: `sum(kube_deployment_spec_replicas{namespace="${ns}",deployment="${name}"})`,
  ready: `sum(kube_deployment_status_replicas_ready{namespace="${ns}",deployment="${name}"})`,
  demand: `sum(cluster_sim_demand_requests_per_second{namespace="${ns}",deployment="${name}"})`,
});

async function range(
  sim: { url: string },
  query: string,
  start: number,
  end: number,
  step: number | string,
) {
  const q = new URLSearchParams({
    query,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  return call(sim, 'GET', `/prometheus/api/v1/query_range?${q}`, {
    token: null,
  });
}

async function values(
  sim: { url: string },
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<number[]> {
  const r = await range(sim, query, start, end, step);
  expect(r.status).toBe(200);
  expect(r.body.status).toBe('success');
  expect(r.body.data.resultType).toBe('matrix');
  expect(r.body.data.result).toHaveLength(1);
  return r.body.data.result[0].values.map(([, v]: [number, string]) =>
    Number(v),
  );
}

async function instant(
  sim: { url: string },
  query: string,
  time: number,
): Promise<number | undefined> {
  const r = await call(
    sim,
    'GET',
    `/prometheus/api/v1/query?${new URLSearchParams({
      query,
      time: String(time),
    })}`,
    { token: null },
  );
  expect(r.status).toBe(200);
  expect(r.body.data.resultType).toBe('vector');
  const v = r.body.data.result[0]?.value;
  return v === undefined ? undefined : Number(v[1]);
}

describe('Prometheus API: the demo cluster with a 14-day past', () => {
  let sim: RunningClusterSim;

  beforeAll(async () => {
    sim = await startClusterSim({
      configFile: resolve(__dirname, '../../../../examples/cluster-sim.yaml'),
      clock: createManualClock(START),
    });
    sim.advance(15 * 60); // 15 live minutes after the start
  });
  afterAll(() => sim.stop());

  it('gives every demo workload 14 days of CPU, replicas and demand at 5-minute steps', async () => {
    expect(sim.config.history.days).toBe(14);
    expect(sim.config.workloads).toHaveLength(8);
    for (const w of sim.config.workloads) {
      const q = QUERIES(w.namespace, w.name);
      const cpu = await values(sim, q.cpu, S - 14 * DAY_S, S, 300);
      const spec = await values(sim, q.spec, S - 14 * DAY_S, S, 300);
      const ready = await values(sim, q.ready, S - 14 * DAY_S, S, 300);
      const demand = await values(sim, q.demand, S - 14 * DAY_S, S, 300);
      for (const series of [cpu, spec, ready, demand])
        expect(series).toHaveLength(4033);
      const { minReplicas, maxReplicas } = w.autoscaling;
      expect([minReplicas, maxReplicas]).toEqual([2, 12]);
      for (let i = 0; i < spec.length; i++) {
        expect(spec[i]).toBeGreaterThanOrEqual(minReplicas);
        expect(spec[i]).toBeLessThanOrEqual(maxReplicas);
        expect(ready[i]).toBeLessThanOrEqual(spec[i]);
        expect(cpu[i]).toBeGreaterThan(0);
        expect(demand[i]).toBeGreaterThanOrEqual(0);
      }
      // The daily cycle: demand swings at least 2x within every day, and so does CPU (1.5x: idle
      // pods add a floor) on every day with real traffic (weekends of some services are near idle).
      if (w.demand.type !== 'synthetic')
        throw new Error('demo demand is synthetic');
      const mean = demand.reduce((a, b) => a + b, 0) / demand.length;
      let busyDays = 0;
      for (let day = 0; day < 14; day++) {
        const d = demand.slice(day * 288, (day + 1) * 288);
        expect(Math.max(...d) / Math.min(...d)).toBeGreaterThan(2);
        if (d.reduce((a, b) => a + b, 0) / d.length < 0.5 * mean) continue;
        busyDays++;
        const c = cpu.slice(day * 288, (day + 1) * 288);
        expect(Math.max(...c) / Math.min(...c)).toBeGreaterThan(1.5);
      }
      expect(busyDays).toBeGreaterThanOrEqual(10);
    }
  });

  it('joins the past and the live cluster without a jump', async () => {
    for (const w of sim.config.workloads) {
      const q = QUERIES(w.namespace, w.name);
      // Replicas: the cluster starts with what the past's controller had, and nothing scales it
      // in these 15 minutes.
      const before = await instant(sim, q.spec, S - 300);
      expect(await instant(sim, q.spec, S + 300)).toBe(before);
      expect(
        sim.sim.store.get('apps/deployments', w.namespace, w.name)!.spec
          .replicas,
      ).toBe(await instant(sim, q.spec, S));
      const cpuBefore = (await instant(sim, q.cpu, S - 300))!;
      const cpuAfter = (await instant(sim, q.cpu, S + 300))!;
      // CPU is a 5-minute rate, so the profile's noise is averaged: within 10% across the join,
      // and the window that straddles the start shows no counter jump either.
      expect(Math.abs(cpuAfter - cpuBefore) / cpuBefore).toBeLessThan(0.1);
      const across = (await instant(sim, q.cpu, S + 150))!;
      expect(Math.abs(across - cpuBefore) / cpuBefore).toBeLessThan(0.1);
      // Demand samples are instantaneous (noisy): on both sides they are the same model's values.
      const model = sim.sim.models.get(
        `Deployment/${w.namespace}/${w.name}`,
      )!.demand;
      expect(await instant(sim, q.demand, S - 300)).toBeCloseTo(
        model.at(START - 300_000),
        9,
      );
      expect(await instant(sim, q.demand, S + 300)).toBeCloseTo(
        model.at(START + 300_000),
        9,
      );
    }
  });

  it('answers the live head: an instant query without time is now', async () => {
    const q = QUERIES('acme-production', 'checkout-api');
    const r = await call(
      sim,
      'GET',
      `/prometheus/api/v1/query?query=${encodeURIComponent(q.ready)}`,
      { token: null },
    );
    expect(r.status).toBe(200);
    expect(r.body.data.result[0].value[0]).toBe(sim.now() / 1000);
    expect(Number(r.body.data.result[0].value[1])).toBe(
      sim.workloads().find(w => w.name === 'checkout-api')!.readyPods,
    );
  });
});

describe('Prometheus API: protocol', () => {
  let sim: RunningClusterSim;

  beforeAll(async () => {
    sim = await startTestSim({
      history: { days: 1 },
      workloads: [
        {
          name: 'web',
          namespace: 'shop',
          replicas: 2,
          capacityPerPod: 50,
          demand: { constant: 60 },
          autoscaling: { minReplicas: 1, maxReplicas: 5 },
        },
        {
          name: 'db',
          namespace: 'shop',
          kind: 'StatefulSet',
          replicas: 2,
          capacityPerPod: 50,
          demand: { constant: 20 },
        },
      ],
    });
    sim.advance(120);
  });
  afterAll(() => sim.stop());

  it('accepts POST with a form body and a duration step, and sums by label', async () => {
    const body = new URLSearchParams({
      query:
        'sum by (deployment) (cluster_sim_demand_requests_per_second{namespace="shop"})',
      start: new Date(START - 3600_000).toISOString(),
      end: String(S),
      step: '15m',
    }).toString();
    const r = await call(sim, 'POST', '/prometheus/api/v1/query_range', {
      token: null,
      body,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(
      r.body.data.result.map(
        (s: { metric: { deployment: string }; values: [number, string][] }) => [
          s.metric.deployment,
          s.values,
        ],
      ),
    );
    expect(Object.keys(byName).sort()).toEqual(['db', 'web']);
    expect(byName.web).toEqual(
      [0, 1, 2, 3, 4].map(k => [S - 3600 + k * 900, '60']),
    );
  });

  it('serves StatefulSets under statefulset= (and deployment=, as /metrics does)', async () => {
    // 20 rps at 50 rps per 250m pod is 0.1 cores: one pod at the 70% target (default minimum 1).
    expect(
      await instant(
        sim,
        'sum(kube_statefulset_replicas{namespace="shop",statefulset="db"})',
        S - 600,
      ),
    ).toBe(1);
    expect(
      await instant(
        sim,
        'sum(kube_statefulset_status_replicas_ready{namespace="shop",statefulset="db"})',
        S + 60,
      ),
    ).toBe(1);
    expect(
      sim.sim.store.get('apps/statefulsets', 'shop', 'db')!.spec.replicas,
    ).toBe(1);
    for (const label of ['statefulset', 'deployment']) {
      const cpu = await instant(
        sim,
        `sum(rate(container_cpu_usage_seconds_total{namespace="shop",${label}="db"}[5m]))`,
        S - 600,
      );
      expect(cpu).toBeCloseTo(0.005 + 0.1, 6); // idle + busy cores of the one pod
    }
    // kube-state-metrics names: a StatefulSet has no kube_deployment_* series.
    expect(
      await instant(
        sim,
        'sum(kube_deployment_spec_replicas{namespace="shop",deployment="db"})',
        S - 600,
      ),
    ).toBeUndefined();
  });

  it('answers errors in Prometheus shapes: 400 bad_data, 422 unsupported, the points cap', async () => {
    const bad = await range(sim, 'sum(x', S - 60, S, 15);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: expect.stringMatching(/parse error: unexpected end of input/),
    });
    const unsupported = await range(sim, 'avg(x)', S - 60, S, 15);
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.status).toBe('error');
    expect(unsupported.body.error).toMatch(
      /aggregation "avg" .* is not supported/,
    );
    const cap = await range(
      sim,
      'sum(kube_deployment_spec_replicas)',
      S - 11_000,
      S,
      1,
    );
    expect(cap.status).toBe(400);
    expect(cap.body.error).toBe(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
    const ok = await range(
      sim,
      'sum(kube_deployment_spec_replicas)',
      S - 10_999,
      S,
      1,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.data.result[0].values).toHaveLength(11_000);
    expect((await range(sim, 'x', S, S - 1, 15)).body.error).toMatch(
      /end timestamp must not be before start time/,
    );
    expect((await range(sim, 'x', S - 60, S, 0)).body.error).toMatch(
      /zero or negative query resolution step/,
    );
    expect((await range(sim, 'x', S - 60, S, 'soon')).body.error).toMatch(
      /invalid parameter "step"/,
    );
    const noQuery = await call(sim, 'GET', '/prometheus/api/v1/query', {
      token: null,
    });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.errorType).toBe('bad_data');
    const badTime = await call(
      sim,
      'GET',
      '/prometheus/api/v1/query?query=x&time=yesterday',
      { token: null },
    );
    expect(badTime.body.error).toMatch(/invalid parameter "time"/);
    expect(
      (await call(sim, 'GET', '/prometheus/api/v1/series', { token: null }))
        .status,
    ).toBe(404);
  });

  it('answers 503 during a metrics outage', async () => {
    sim.setFaults({ metricsOutage: true });
    try {
      const r = await range(
        sim,
        'sum(kube_deployment_spec_replicas)',
        S - 60,
        S,
        15,
      );
      expect(r.status).toBe(503);
      expect(r.body.errorType).toBe('unavailable');
    } finally {
      sim.clearFaults();
    }
  });
});
