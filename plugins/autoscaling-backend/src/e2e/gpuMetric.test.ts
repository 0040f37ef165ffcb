/**
 * GPU-bound scaling through Prometheus: Debian's `prometheus` (started here on a free port)
 * scrapes the simulated cluster, whose GPU workload exposes the DCGM exporter's
 * `DCGM_FI_DEV_GPU_UTIL` per pod following its load; the engine (the real backend, with the
 * Prometheus source built by its module from `autoscaling.metricSources[]`) reads it as a Pods
 * metric and scales the workload to bring the average GPU use to the policy's target.
 * The simulator runs on wall time (factor 1, no sample timestamps), so Prometheus stores each
 * scrape at its own time and the engine's instant query reads the newest.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import type {
  MetricStatus,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import knexFactory, { Knex } from 'knex';
import YAML from 'yaml';
import { readPrometheusSources } from '../metrics/prometheusModule';
import { createAutoscalingService } from '../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './__testUtils__/entities';
import { mockAutoscalingDependencies } from './__testUtils__/services';
import { simClustersConfig } from './__testUtils__/simClusters';

jest.setTimeout(90_000);

const CLUSTER = 'sim-gpu';
const NAMESPACE = 'ml-serving';
const WORKLOAD = 'embeddings';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

function prometheusBinary(): string {
  for (const p of ['/usr/bin/prometheus', '/usr/local/bin/prometheus']) {
    try {
      readFileSync(p, { flag: 'r' });
      return p;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    'prometheus is not installed: run scripts/ci-deps.sh (Debian package prometheus)',
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('a GPU workload scaled on DCGM_FI_DEV_GPU_UTIL through a real Prometheus', () => {
  let sim: RunningClusterSim;
  let prom: ChildProcess | undefined;
  let promLog = '';
  let dir: string;
  let promUrl: string;
  let knex: Knex;

  beforeAll(async () => {
    sim = await startClusterSim({
      config: {
        cluster: { name: CLUSTER },
        clock: { factor: 1, tickSeconds: 1 },
        metrics: { timestamps: 'never' },
        tokens: [
          { token: 'admin-token', rules: [{ verbs: ['*'], resources: ['*'] }] },
        ],
        workloads: [
          {
            name: WORKLOAD,
            namespace: NAMESPACE,
            replicas: 2,
            labels: { 'backstage.io/kubernetes-id': WORKLOAD },
            // 10 rps keep one pod's GPU fully busy: 18 rps over 2 pods is 90%.
            capacityPerPod: 10,
            demand: { constant: 18 },
            gpu: { count: 1, model: 'NVIDIA L4', idleUtilization: 0 },
          },
        ],
      },
      tickIntervalMs: 100,
    });
    dir = mkdtempSync(join(tmpdir(), 'gpu-prom-'));
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
        '    static_configs:',
        `      - targets: ['${new URL(sim.url).host}']`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      prometheusBinary(),
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout!.on('data', d => (promLog += d));
    prom.stderr!.on('data', d => (promLog += d));
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise(r => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await knex?.destroy();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const promQuery = async (q: string): Promise<any[]> => {
    const res = await fetch(
      `${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`,
    ).catch(() => undefined);
    if (!res?.ok) return [];
    const body = await res.json();
    return body.status === 'success' ? body.data.result : [];
  };

  it('reads the per-pod GPU use as a Pods metric and scales to the target', async () => {
    // The example policy of the repository, as a user would apply it.
    const example = YAML.parse(
      readFileSync(
        resolve(__dirname, '../../../../examples/policies/gpu-inference.yaml'),
        'utf8',
      ),
    );
    const gpuMetric = example.metrics.find((m: any) => m.type === 'Pods');
    expect(gpuMetric.query.query).toContain('DCGM_FI_DEV_GPU_UTIL');

    // Prometheus has scraped both pods' GPUs, with the DCGM exporter's labels.
    let series: any[] = [];
    for (let i = 0; series.length < 2; i++) {
      if (prom!.exitCode !== null)
        throw new Error(`prometheus exited: ${promLog}`);
      if (i > 300)
        throw new Error(`no DCGM series scraped; prometheus log:\n${promLog}`);
      await sleep(100);
      series = await promQuery(
        `DCGM_FI_DEV_GPU_UTIL{namespace="${NAMESPACE}"}`,
      );
    }
    const podNames = sim.sim.store
      .list('pods')
      .filter(o => o.metadata.namespace === NAMESPACE)
      .map(o => o.metadata.name)
      .sort();
    expect(series.map(s => s.metric.pod).sort()).toEqual(podNames);
    for (const s of series) {
      expect(s.metric).toMatchObject({
        __name__: 'DCGM_FI_DEV_GPU_UTIL',
        gpu: '0',
        device: 'nvidia0',
        modelName: 'NVIDIA L4',
        namespace: NAMESPACE,
        container: WORKLOAD,
      });
      expect(s.metric.pod).toMatch(new RegExp(`^${WORKLOAD}-`));
      expect(s.metric.UUID).toMatch(/^GPU-[0-9a-f]{8}-/);
      expect(Number(s.value[1])).toBeCloseTo(90, 0);
    }

    const config = mockServices.rootConfig({
      data: {
        kubernetes: simClustersConfig([
          { name: CLUSTER, url: sim.url, token: 'admin-token' },
        ]),
        autoscaling: {
          metricSources: [
            { id: 'prometheus', type: 'prometheus', url: promUrl },
          ],
          policies: {
            globalDefault: { ...example, predictive: { enabled: false } },
          },
        },
      },
    });
    const service = await createAutoscalingService({
      ...mockAutoscalingDependencies(),
      config,
      database: { getClient: async () => knex },
      catalog: catalogServiceMock({
        entities: [
          serviceComponent({
            name: WORKLOAD,
            namespace: NAMESPACE,
            environment: 'staging',
          }),
          ACME_TENANT,
        ],
      }),
      // What the demo backend's Prometheus module adds through the extension point.
      extraMetricSources: readPrometheusSources(config),
      clock: () => sim.now(),
    });
    const evaluator = service.evaluators.get(CLUSTER)!;
    // A tick whose query found no series yet (a loaded machine: Prometheus between scrapes)
    // reads no value and decides nothing; the next tick reads it.
    let status: WorkloadState | undefined;
    let gpu: MetricStatus | undefined;
    for (let i = 0; i < 10 && typeof gpu?.current !== 'number'; i++) {
      if (i > 0) await sleep(1000);
      await evaluator.tick(sim.now());
      const [workload] = await service.store.listWorkloads();
      status = workload.status!;
      gpu = status.metrics.find(m => m.name === gpuMetric.name)!;
    }
    if (!status || !gpu) throw new Error('no status after the ticks');
    // 90% average against a 60% target: 2 × 90 / 60 = 3 replicas.
    expect(gpu.current).toBeCloseTo(90, 0);
    expect(gpu.target).toBe(60);
    expect(status.lastDecision).toMatchObject({ kind: 'scale', to: 3 });
    const deployment = sim.sim.store
      .list('apps/deployments')
      .find(o => o.metadata.name === WORKLOAD)!;
    expect(deployment.spec?.replicas).toBe(3);
  });
});
