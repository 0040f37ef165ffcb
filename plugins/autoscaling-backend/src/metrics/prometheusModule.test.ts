/**
 * The Prometheus source is a backend module on the metric-source extension point, like the
 * others: installed beside the plugin, it turns the `prometheus` entries of
 * `autoscaling.metricSources[]` into sources the plugin lists (GET /metric-sources) and the
 * engine queries; without it the plugin has no Prometheus source. The listed source queries the
 * simulated cluster's Prometheus API (a real HTTP server).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import request from 'supertest';
import { autoscalingPlugin } from '../plugin';
import {
  autoscalingModulePrometheusMetricSource,
  readPrometheusSources,
} from './prometheusModule';
import { ConfigReader } from '@backstage/config';

const ENTITY = 'component:default/checkout';

describe('autoscalingModulePrometheusMetricSource', () => {
  let sim: RunningClusterSim;

  beforeAll(async () => {
    sim = await startClusterSim({
      clock: 'manual',
      config: {
        workloads: [
          {
            name: 'checkout',
            namespace: 'shop',
            replicas: 2,
            demand: { constant: 40 },
          },
        ],
      },
    });
  });
  afterAll(() => sim?.stop());

  const start = (withModule: boolean) =>
    startTestBackend({
      features: [
        autoscalingPlugin,
        ...(withModule ? [autoscalingModulePrometheusMetricSource] : []),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: { name: 'checkout', namespace: 'default' },
              spec: { type: 'service', owner: 'team-a', lifecycle: 'x' },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            autoscaling: {
              metricSources: [
                {
                  id: 'prometheus',
                  type: 'prometheus',
                  url: `${sim.url}/prometheus`,
                },
              ],
            },
          },
        }),
      ],
    });

  it('adds the configured Prometheus sources, which the plugin lists', async () => {
    const backend = await start(true);
    try {
      const res = await request(backend.server)
        .get(`/api/autoscaling/metric-sources?entityRef=${ENTITY}`)
        .set('Authorization', `Bearer ${mockCredentials.user.token()}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        sources: [{ id: 'prometheus', type: 'prometheus' }],
      });
    } finally {
      await backend.stop();
    }
  });

  it('is the only way in: without the module the plugin has no Prometheus source', async () => {
    const backend = await start(false);
    try {
      const res = await request(backend.server)
        .get(`/api/autoscaling/metric-sources?entityRef=${ENTITY}`)
        .set('Authorization', `Bearer ${mockCredentials.user.token()}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sources: [] });
    } finally {
      await backend.stop();
    }
  });

  it('reads the prometheus entries, with unchanged behaviour: PromQL on the configured URL', async () => {
    const [source, ...rest] = readPrometheusSources(
      new ConfigReader({
        autoscaling: {
          metricSources: [
            { id: 'influx', type: 'influxdb', url: 'http://i', database: 'd' },
            { id: 'prom', type: 'prometheus', url: `${sim.url}/prometheus/` },
          ],
        },
      }),
    );
    expect(rest).toEqual([]);
    expect([source.id, source.type]).toEqual(['prom', 'prometheus']);
    await expect(
      source.query({
        cluster: 'sim',
        namespace: 'shop',
        workload: 'checkout',
        query:
          'sum(cluster_sim_demand_requests_per_second{namespace="$namespace",deployment="$workload"})',
      }),
    ).resolves.toEqual([{ labels: {}, value: 40 }]);
  });
});
