/**
 * The InfluxDB source against a real InfluxDB 1.x (Debian's `influxd`, started here on free
 * ports with authentication on): points written with the line protocol are read back through
 * the source, per pod and aggregated, and every failure names what went wrong.
 */
import { InfluxDbMetricSource } from './InfluxDbMetricSource';
import { RunningInfluxd, startInfluxd } from './__testUtils__/influxd';

jest.setTimeout(60_000);

const ADMIN = { username: 'admin', password: 's3cret' };
const request = (query: string, namespace = 'shop', workload = 'checkout') => ({
  cluster: 'sim',
  namespace,
  workload,
  query,
});
const PER_POD = `SELECT last("value") FROM "gpu_util" WHERE "namespace"='$namespace' AND "deployment"='$workload' AND time > now() - 1h GROUP BY "pod"`;

describe('InfluxDbMetricSource on a real influxd', () => {
  let influx: RunningInfluxd;
  let source: InfluxDbMetricSource;

  beforeAll(async () => {
    influx = await startInfluxd({ authEnabled: true });
    // The first user may be created without credentials; everything after needs them.
    await influx.admin(
      `CREATE USER "${ADMIN.username}" WITH PASSWORD '${ADMIN.password}' WITH ALL PRIVILEGES`,
    );
    await influx.admin('CREATE DATABASE "metrics"', ADMIN);
    const now = Date.now();
    const line = (
      workload: string,
      pod: string,
      value: number,
      agoMs: number,
    ) =>
      `gpu_util,namespace=shop,deployment=${workload},pod=${pod} value=${value},memory=1 ${
        now - agoMs
      }`;
    await influx.write(
      'metrics',
      [
        line('checkout', 'checkout-a', 20, 60_000),
        line('checkout', 'checkout-a', 70, 1_000),
        line('checkout', 'checkout-b', 90, 60_000),
        line('checkout', 'checkout-b', 30, 1_000),
        line('search', 'search-a', 55, 1_000),
      ],
      ADMIN,
    );
    source = new InfluxDbMetricSource({
      id: 'influx',
      url: influx.url,
      database: 'metrics',
      ...ADMIN,
    });
  });

  afterAll(async () => {
    await influx?.stop();
  });

  it('reads the newest value of each pod of the workload, tags as labels', async () => {
    const series = await source.query(request(PER_POD));
    expect(
      [...series].sort((a, b) => a.labels.pod.localeCompare(b.labels.pod)),
    ).toEqual([
      { labels: { pod: 'checkout-a' }, value: 70 },
      { labels: { pod: 'checkout-b' }, value: 30 },
    ]);
    // $workload is substituted: another workload reads its own pods.
    expect(await source.query(request(PER_POD, 'shop', 'search'))).toEqual([
      { labels: { pod: 'search-a' }, value: 55 },
    ]);
  });

  it('reads an ungrouped aggregate as one series without labels', async () => {
    const total = await source.query(
      request(
        `SELECT sum("value") FROM (SELECT last("value") AS "value" FROM "gpu_util" WHERE "deployment"='$workload' GROUP BY "pod")`,
      ),
    );
    expect(total).toEqual([{ labels: {}, value: 100 }]);
    expect(source.type).toBe('influxdb');
  });

  it('quotes the substituted names, so a name cannot change the query', async () => {
    await expect(
      source.query(request(PER_POD, "x' OR 'a'='a")),
    ).rejects.toThrow(/InfluxDB influx returned no series/);
  });

  it('reports InfluxDB errors with their text', async () => {
    await expect(source.query(request('SELEC nothing'))).rejects.toThrow(
      /InfluxDB influx answered 400: error parsing query: found SELEC/,
    );
    await expect(
      source.query(request('SELECT last("value") FROM "nothing_here"')),
    ).rejects.toThrow(
      /returned no series for SELECT last\("value"\) FROM "nothing_here"/,
    );
    await expect(
      source.query(
        request(`SELECT last("value"), last("memory") FROM "gpu_util"`),
      ),
    ).rejects.toThrow(/must select one field, it selects 2 \(last, last_1\)/);
    await expect(
      source.query(
        request(
          `SELECT last("value") FROM "gpu_util"; SELECT 1 FROM "gpu_util"`,
        ),
      ),
    ).rejects.toThrow(/must be one statement \(it ran 2\)/);
    const otherDb = new InfluxDbMetricSource({
      id: 'influx',
      url: influx.url,
      database: 'missing',
      ...ADMIN,
    });
    await expect(otherDb.query(request(PER_POD))).rejects.toThrow(
      /database not found: missing/,
    );
  });

  it('sends its credentials: wrong or missing ones are refused by InfluxDB', async () => {
    const wrong = new InfluxDbMetricSource({
      id: 'influx',
      url: influx.url,
      database: 'metrics',
      username: 'admin',
      password: 'wrong',
    });
    await expect(wrong.query(request(PER_POD))).rejects.toThrow(
      /InfluxDB influx answered 401: authorization failed/,
    );
    const anonymous = new InfluxDbMetricSource({
      id: 'influx',
      url: influx.url,
      database: 'metrics',
    });
    await expect(anonymous.query(request(PER_POD))).rejects.toThrow(
      /answered 401/,
    );
  });

  it('says when InfluxDB cannot be reached', async () => {
    const down = new InfluxDbMetricSource({
      id: 'influx',
      url: 'http://127.0.0.1:9',
      database: 'metrics',
    });
    await expect(down.query(request(PER_POD))).rejects.toThrow(
      /InfluxDB influx at http:\/\/127.0.0.1:9 could not be reached/,
    );
  });
});
