import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_HISTORY_QUERIES,
  PrometheusHistory,
  readPrometheusHistoryConfig,
  type PrometheusHistoryConfig,
} from './PrometheusHistory';

const NOW = Date.parse('2026-01-05T12:02:30Z');
const STEP = 300;

type Handler = (url: URL, res: http.ServerResponse) => void;

/** A real HTTP server standing in for Prometheus; records the query strings it receives. */
async function startServer(handler: Handler) {
  const queries: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    queries.push(url.searchParams);
    handler(url, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prometheus`,
    queries,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const matrix = (values: Array<[number, string]>) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'matrix', result: [{ metric: {}, values }] },
  });

function configFor(baseUrl: string): PrometheusHistoryConfig {
  return {
    baseUrl,
    days: 1,
    stepSeconds: STEP,
    queries: DEFAULT_HISTORY_QUERIES,
    timeoutMs: 2000,
  };
}

describe('PrometheusHistory', () => {
  it('reads demand, replicas and ready replicas over the last days, one point per step', async () => {
    const server = await startServer((url, res) => {
      expect(url.pathname).toBe('/prometheus/api/v1/query_range');
      const query = url.searchParams.get('query')!;
      const start = Number(url.searchParams.get('start'));
      const valueOf = (i: number) => {
        if (query.includes('container_cpu')) return String(0.5 + i);
        return query.includes('ready') ? '2' : '3';
      };
      const samples: Array<[number, string]> = [0, 1, 2].map(i => [
        start + i * STEP,
        valueOf(i),
      ]);
      res.setHeader('content-type', 'application/json');
      res.end(matrix(samples));
    });
    try {
      const past = await new PrometheusHistory(configFor(server.url)).read(
        { namespace: 'acme-production', name: 'checkout-api' },
        NOW,
      );
      // The window ends at the step before now and starts `days` earlier.
      const end = Date.parse('2026-01-05T12:00:00Z') / 1000;
      expect(server.queries).toHaveLength(3);
      for (const q of server.queries) {
        expect(Number(q.get('end'))).toBe(end);
        expect(Number(q.get('start'))).toBe(end - 86400);
        expect(q.get('step')).toBe('300');
        expect(q.get('query')).toContain(
          'namespace="acme-production",deployment="checkout-api"',
        );
      }
      expect(past.demand.map(d => d.value)).toEqual([0.5, 1.5, 2.5]);
      expect(past.points).toEqual(
        [0, 1, 2].map(i => ({
          at: new Date((end - 86400 + i * STEP) * 1000).toISOString(),
          replicas: 3,
          readyReplicas: 2,
          desiredReplicas: 3,
          demand: 0.5 + i,
          cpuUtilization: null,
        })),
      );
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'a 500',
      (res: http.ServerResponse) => {
        res.statusCode = 500;
        res.end('boom');
      },
      /answered 500/,
    ],
    [
      'a 400',
      (res: http.ServerResponse) => {
        res.statusCode = 400;
        res.end('{"status":"error","error":"bad query"}');
      },
      /answered 400/,
    ],
    [
      'a body that is not JSON',
      (res: http.ServerResponse) => res.end('<html>'),
      /not JSON/,
    ],
    [
      'an error status',
      (res: http.ServerResponse) =>
        res.end('{"status":"error","error":"parse error"}'),
      /parse error/,
    ],
    [
      'a vector instead of a matrix',
      (res: http.ServerResponse) =>
        res.end(
          '{"status":"success","data":{"resultType":"vector","result":[]}}',
        ),
      /expected a matrix/,
    ],
  ])('fails with a clear error on %s', async (_name, reply, message) => {
    const server = await startServer((_url, res) => reply(res));
    try {
      await expect(
        new PrometheusHistory(configFor(server.url)).read(
          { namespace: 'a', name: 'b' },
          NOW,
        ),
      ).rejects.toThrow(message);
    } finally {
      await server.close();
    }
  });

  it('fails when Prometheus is unreachable', async () => {
    const server = await startServer((_url, res) => res.end());
    const url = server.url;
    await server.close();
    await expect(
      new PrometheusHistory(configFor(url)).read(
        { namespace: 'a', name: 'b' },
        NOW,
      ),
    ).rejects.toThrow();
  });

  it('reads its config with defaults, and names the field it rejects', () => {
    expect(
      readPrometheusHistoryConfig(new ConfigReader({ autoscaling: {} })),
    ).toBeUndefined();
    const config = readPrometheusHistoryConfig(
      new ConfigReader({
        autoscaling: { demandHistory: { prometheus: { baseUrl: 'http://p' } } },
      }),
    );
    expect(config).toMatchObject({
      baseUrl: 'http://p',
      days: 14,
      stepSeconds: 300,
    });
    expect(config?.queries.demand).toBe(DEFAULT_HISTORY_QUERIES.demand);
    expect(() =>
      readPrometheusHistoryConfig(
        new ConfigReader({
          autoscaling: {
            demandHistory: {
              prometheus: { baseUrl: 'http://p', stepSeconds: 1 },
            },
          },
        }),
      ),
    ).toThrow(/stepSeconds/);
  });
});
