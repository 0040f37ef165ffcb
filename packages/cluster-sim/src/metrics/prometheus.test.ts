/**
 * A real Prometheus (Debian's `prometheus`; scripts/ci-deps.sh installs it) scrapes the simulator
 * running at 10x time: samples carry simulated-time timestamps, so PromQL rate() is per simulated
 * second and must match the configured demand of a constant-demand workload within 5%.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusterSim, RunningClusterSim } from '../start';
import { freePort, requireBinary } from '../testing/binaries';

jest.setTimeout(90_000);

const DEMAND = 120;

describe('a real Prometheus scraping the simulator', () => {
  let sim: RunningClusterSim;
  let prom: ChildProcess | undefined;
  let dir: string;
  let promUrl: string;
  let promLog = '';

  beforeAll(async () => {
    const binary = requireBinary('prometheus');
    sim = await startClusterSim({
      config: {
        clock: { factor: 10, tickSeconds: 1 },
        tokens: [
          { token: 'admin-token', rules: [{ verbs: ['*'], resources: ['*'] }] },
        ],
        workloads: [
          {
            name: 'steady',
            namespace: 'load',
            replicas: 3,
            capacityPerPod: 100,
            demand: { constant: DEMAND },
          },
          {
            name: 'other',
            namespace: 'load',
            replicas: 1,
            capacityPerPod: 100,
            demand: { constant: 7 },
          },
        ],
      },
      tickIntervalMs: 100,
    });
    dir = mkdtempSync(join(tmpdir(), 'cluster-sim-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        'scrape_configs:',
        '  - job_name: cluster-sim',
        '    honor_timestamps: true',
        '    static_configs:',
        `      - targets: ['${new URL(sim.url).host}']`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout!.on('data', d => (promLog += d));
    prom.stderr!.on('data', d => (promLog += d));
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise(r => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const query = async (q: string, timeSec: number): Promise<any[]> => {
    const res = await fetch(
      `${promUrl}/api/v1/query?query=${encodeURIComponent(q)}&time=${timeSec}`,
    );
    const body = await res.json();
    if (body.status !== 'success')
      throw new Error(`PromQL ${q}: ${JSON.stringify(body)}`);
    return body.data.result;
  };

  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

  it('rate(http_requests_total[1m]) summed over the deployment equals the configured demand', async () => {
    // Wait for Prometheus to be ready.
    for (let i = 0; ; i++) {
      if (prom!.exitCode !== null)
        throw new Error(`prometheus exited: ${promLog}`);
      const ok = await fetch(`${promUrl}/-/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 150)
        throw new Error(`prometheus did not become ready: ${promLog}`);
      await sleep(200);
    }
    // Collect at least 90 simulated seconds (9+ scrapes) of samples.
    const series = 'http_requests_total{namespace="load",deployment="steady"}';
    let samples = 0;
    for (let i = 0; samples < 9; i++) {
      if (i > 300)
        throw new Error(
          `too few samples (${samples}); prometheus log:\n${promLog}`,
        );
      await sleep(200);
      const r = await query(
        `min(count_over_time(${series}[2m]))`,
        sim.now() / 1000,
      );
      samples = r.length ? Number(r[0].value[1]) : 0;
    }
    // Evaluate at the newest sample so the 1m window is fully covered by scrapes.
    const [last] = await query(`max(timestamp(${series}))`, sim.now() / 1000);
    const t = Number(last.value[1]);
    const [rate] = await query(`sum(rate(${series}[1m]))`, t);
    const measured = Number(rate.value[1]);
    expect(Math.abs(measured - DEMAND) / DEMAND).toBeLessThan(0.05);
    // One series per pod and response code; all three pods carry load.
    const perPod = await query(`sum by (pod) (rate(${series}[1m]))`, t);
    expect(perPod).toHaveLength(3);
    for (const p of perPod)
      expect(Number(p.value[1])).toBeCloseTo(DEMAND / 3, -1);
    // The ground-truth gauge and the other workload's rate agree too.
    const [gauge] = await query(
      'cluster_sim_demand_requests_per_second{deployment="steady"}',
      t,
    );
    expect(Number(gauge.value[1])).toBe(DEMAND);
    const [other] = await query(
      'sum(rate(http_requests_total{deployment="other"}[1m]))',
      t,
    );
    expect(Math.abs(Number(other.value[1]) - 7) / 7).toBeLessThan(0.05);
    // CPU: 40 rps per pod at 100 rps per 250m request → 0.1 core + 2% idle.
    const [cpu] = await query(
      'avg(rate(container_cpu_usage_seconds_total{deployment="steady"}[1m]))',
      t,
    );
    expect(Number(cpu.value[1])).toBeCloseTo(0.105, 2);
  });
});
