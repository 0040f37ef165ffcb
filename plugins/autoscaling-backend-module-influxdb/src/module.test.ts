/**
 * The module in a Backstage test backend: it reads the `influxdb` entries of
 * `autoscaling.metricSources[]` and adds them through the autoscaling plugin's metric-source
 * extension point (a stand-in plugin registers the extension point and records what it gets).
 * The source it adds queries a real influxd.
 */
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  autoscalingMetricSourcesExtensionPoint,
  MetricSource,
} from '@internal/plugin-autoscaling-node';
import { autoscalingModuleInfluxDbMetricSource } from './module';
import { readInfluxDbSources } from './readInfluxDbSources';
import { RunningInfluxd, startInfluxd } from './__testUtils__/influxd';

jest.setTimeout(60_000);

function recordingPlugin(added: MetricSource[]) {
  return createBackendPlugin({
    pluginId: 'autoscaling',
    register(env) {
      env.registerExtensionPoint(autoscalingMetricSourcesExtensionPoint, {
        addMetricSource: source => added.push(source),
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('autoscalingModuleInfluxDbMetricSource', () => {
  let influx: RunningInfluxd;

  beforeAll(async () => {
    influx = await startInfluxd();
    await influx.admin('CREATE DATABASE "demo"');
    await influx.write('demo', [
      `queue_depth,namespace=shop,deployment=orders value=42 ${Date.now()}`,
    ]);
  });

  afterAll(async () => {
    await influx?.stop();
  });

  it('adds each influxdb entry through the extension point, and leaves other types alone', async () => {
    const added: MetricSource[] = [];
    const backend = await startTestBackend({
      features: [
        recordingPlugin(added),
        autoscalingModuleInfluxDbMetricSource,
        mockServices.rootConfig.factory({
          data: {
            autoscaling: {
              metricSources: [
                { id: 'prom', type: 'prometheus', url: 'http://prom:9090' },
                {
                  id: 'influx',
                  type: 'influxdb',
                  url: influx.url,
                  database: 'demo',
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      expect(added.map(s => [s.id, s.type])).toEqual([['influx', 'influxdb']]);
      await expect(
        added[0].query({
          cluster: 'sim',
          namespace: 'shop',
          workload: 'orders',
          query: `SELECT last("value") FROM "queue_depth" WHERE "deployment"='$workload'`,
        }),
      ).resolves.toEqual([{ labels: {}, value: 42 }]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a bad entry naming its key', () => {
    const read = (entry: Record<string, unknown>) =>
      readInfluxDbSources(
        new ConfigReader({
          autoscaling: {
            metricSources: [
              { id: 'prom', type: 'prometheus', url: 'http://p' },
              { id: 'influx', type: 'influxdb', ...entry },
            ],
          },
        }),
      );
    expect(() => read({ url: 'http://influx:8086' })).toThrow(
      "Missing required config value at 'autoscaling.metricSources[1].database'",
    );
    expect(() => read({ url: 'influx:8086', database: 'd' })).toThrow(
      "autoscaling.metricSources[1].url: 'influx:8086' is not an http(s) URL",
    );
    expect(() =>
      read({ url: 'http://influx:8086', database: 'd', password: 'x' }),
    ).toThrow(
      'autoscaling.metricSources[1].username: username and password go together',
    );
    expect(
      read({
        url: 'http://influx:8086',
        database: 'd',
        retentionPolicy: 'rp1',
      }),
    ).toEqual([
      {
        id: 'influx',
        url: 'http://influx:8086',
        database: 'd',
        retentionPolicy: 'rp1',
        username: undefined,
        password: undefined,
        timeoutSeconds: undefined,
      },
    ]);
  });
});
