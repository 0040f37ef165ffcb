import { PrometheusMetricSource } from './PrometheusMetricSource';

function fakeFetch(body: unknown, status = 200) {
  const calls: string[] = [];
  const fn = (async (url: string) => {
    calls.push(url);
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const request = {
  cluster: 'c',
  namespace: 'acme-production',
  workload: 'checkout-api',
  query:
    'sum(rate(http_requests_total{namespace="$namespace",deployment="$workload"}[1m]))',
};

describe('PrometheusMetricSource', () => {
  it('substitutes the workload into the query and returns vector values', async () => {
    const { fn, calls } = fakeFetch({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { pod: 'a' }, value: [1, '412.5'] }],
      },
    });
    const source = new PrometheusMetricSource(
      'prometheus',
      'http://prom:9090/',
      fn,
    );
    expect(await source.query(request)).toEqual([
      { labels: { pod: 'a' }, value: 412.5 },
    ]);
    expect(decodeURIComponent(calls[0])).toContain(
      'namespace="acme-production",deployment="checkout-api"',
    );
    expect(calls[0]).toMatch(/^http:\/\/prom:9090\/api\/v1\/query\?query=/);
  });

  it('fails clearly on an empty result or an error status', async () => {
    const empty = fakeFetch({
      status: 'success',
      data: { resultType: 'vector', result: [] },
    });
    await expect(
      new PrometheusMetricSource('prometheus', 'http://p', empty.fn).query(
        request,
      ),
    ).rejects.toThrow(/no series/);
    const failing = fakeFetch({ status: 'error', error: 'bad_data' }, 400);
    await expect(
      new PrometheusMetricSource('prometheus', 'http://p', failing.fn).query(
        request,
      ),
    ).rejects.toThrow(/answered 400/);
  });
});
