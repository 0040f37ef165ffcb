import {
  matchesLabels,
  parsePromQL,
  QueryParseError,
  UnsupportedQueryError,
} from './promql';
import {
  evaluateInstant,
  evaluateRange,
  MAX_POINTS,
  Series,
  seriesSource,
} from './evaluate';

const reason = (q: string): { kind: string; message: string } => {
  try {
    parsePromQL(q);
  } catch (e) {
    return { kind: (e as Error).name, message: (e as Error).message };
  }
  throw new Error(`expected "${q}" to be rejected`);
};

describe('PromQL subset parser', () => {
  it('parses the queries the portal sends', () => {
    expect(
      parsePromQL(
        'sum(rate(container_cpu_usage_seconds_total{namespace="acme",deployment="web"}[5m]))',
      ),
    ).toEqual({
      type: 'sum',
      expr: {
        type: 'rate',
        rangeMs: 300_000,
        selector: [
          {
            label: '__name__',
            op: '=',
            value: 'container_cpu_usage_seconds_total',
          },
          { label: 'namespace', op: '=', value: 'acme' },
          { label: 'deployment', op: '=', value: 'web' },
        ],
      },
    });
    expect(
      parsePromQL(
        'sum(kube_deployment_spec_replicas{namespace="acme",deployment="web"})',
      ),
    ).toEqual({
      type: 'sum',
      expr: {
        type: 'selector',
        matchers: [
          {
            label: '__name__',
            op: '=',
            value: 'kube_deployment_spec_replicas',
          },
          { label: 'namespace', op: '=', value: 'acme' },
          { label: 'deployment', op: '=', value: 'web' },
        ],
      },
    });
  });

  it('accepts by before or after the argument, all four matchers, quotes, durations and parentheses', () => {
    const a = parsePromQL(
      'sum by (namespace, deployment,) (rate(http_requests_total{code!=\'500\', deployment=~"web|api"}[1h30m]))',
    );
    const b = parsePromQL(
      '(sum(rate(http_requests_total{code!="500",deployment=~`web|api`}[90m])) by (namespace,deployment))',
    );
    expect(a).toEqual(b);
    if (a.type !== 'sum' || a.expr.type !== 'rate') throw new Error('shape');
    expect(a.by).toEqual(['namespace', 'deployment']);
    expect(a.expr.rangeMs).toBe(5_400_000);
    const sel = parsePromQL('{__name__="up", job!~"x.*"}');
    if (sel.type !== 'selector') throw new Error('shape');
    // Regex matchers are anchored, as in Prometheus.
    expect(matchesLabels(sel.matchers, { __name__: 'up', job: 'xyz' })).toBe(
      false,
    );
    expect(matchesLabels(sel.matchers, { __name__: 'up', job: 'axe' })).toBe(
      true,
    );
    const re = parsePromQL('m{d=~"web"}');
    if (re.type !== 'selector') throw new Error('shape');
    expect(matchesLabels(re.matchers, { __name__: 'm', d: 'web-2' })).toBe(
      false,
    );
  });

  it.each([
    ['avg(x)', /aggregation "avg" at char 1 is not supported/],
    ['sum without (pod) (x)', /"without" at char 5 is not supported/],
    ['irate(x[5m])', /function "irate" at char 1 is not supported/],
    ['histogram_quantile(0.9, x)', /function "histogram_quantile"/],
    ['sum(x) / sum(y)', /binary operator "\/" at char 8 is not supported/],
    ['x * 2', /binary operator "\*"/],
    ['x and y', /binary operator "and"/],
    ['x offset 5m', /offset modifier at char 3/],
    ['rate(x[5m] offset 1h)', /offset modifier/],
    ['x @ 1700000000', /@ modifier/],
    ['rate(x[1h:5m])', /subqueries/],
    [
      'x[5m]',
      /range vector selectors at char 2 are only supported inside rate\(\)/,
    ],
    ['42', /number literals/],
    ['-x', /unary "-"/],
    ['rate(sum(x)[5m])', /only supported over a range vector selector/],
  ])('rejects %s as unsupported (422) and says what', (q, message) => {
    const r = reason(q);
    expect(r.kind).toBe(UnsupportedQueryError.name);
    expect(r.message).toMatch(message);
  });

  it.each([
    ['sum(x', /unexpected end of input/],
    ['x{a="b"', /in label matching, expected "," or "}"/],
    [
      'x{a=b}',
      /unexpected identifier "b" at char 5 in label matching, expected a string/,
    ],
    ['x{a=="b"}', /expected one of "=", "!=", "=~", "!~"/],
    ['rate(x)', /expected type range vector in call to function "rate"/],
    ['rate(x[5])', /expected a duration like 5m/],
    ['x{a=~"("}', /invalid regular expression/],
    ['{a=""}', /at least one non-empty matcher/],
    ['x{a="\\q"}', /unknown escape sequence/],
    ['x y', /unexpected identifier "y" at char 3/],
    ['x $', /unexpected character "\$" at char 3/],
    ['"unterminated', /unterminated string/],
    ['   ', /empty query/],
  ])('rejects %s as a syntax error (400) with where', (q, message) => {
    const r = reason(q);
    expect(r.kind).toBe(QueryParseError.name);
    expect(r.message).toMatch(message);
  });
});

describe('PromQL subset evaluation', () => {
  // Two pods' counters sampled every 60 s, growing at 2/s and 3/s; a gauge with a gap.
  const counter = (
    labels: Record<string, string>,
    perSecond: number,
  ): Series => ({
    labels,
    sampleAt: t =>
      t >= 0 ? Math.floor(t / 60_000) * 60 * perSecond : undefined,
    interpolatedAt: t =>
      t >= 0 && t <= 3_600_000 ? (t / 1000) * perSecond : undefined,
  });
  const source = seriesSource([
    counter({ __name__: 'c', deployment: 'web', pod: 'a' }, 2),
    counter({ __name__: 'c', deployment: 'web', pod: 'b' }, 3),
    counter({ __name__: 'c', deployment: 'api', pod: 'c' }, 7),
  ]);

  it('computes rate per series, sums all or by label, and drops the name', () => {
    expect(
      evaluateInstant(parsePromQL('rate(c{pod="a"}[5m])'), 600_000, source),
    ).toEqual([{ metric: { deployment: 'web', pod: 'a' }, value: 2 }]);
    expect(
      evaluateInstant(
        parsePromQL('sum(rate(c{deployment="web"}[5m]))'),
        600_000,
        source,
      ),
    ).toEqual([{ metric: {}, value: 5 }]);
    const by = evaluateInstant(
      parsePromQL('sum by (deployment) (rate(c[1m]))'),
      600_000,
      source,
    );
    expect(by.sort((x, y) => x.value - y.value)).toEqual([
      { metric: { deployment: 'web' }, value: 5 },
      { metric: { deployment: 'api' }, value: 7 },
    ]);
  });

  it('has no value where the rate window leaves the data, and an empty result for no match', () => {
    expect(
      evaluateInstant(parsePromQL('rate(c{pod="a"}[5m])'), 200_000, source),
    ).toEqual([]);
    expect(
      evaluateInstant(
        parsePromQL('sum(c{deployment="nope"})'),
        600_000,
        source,
      ),
    ).toEqual([]);
    const r = evaluateRange(
      parsePromQL('sum(rate(c[5m]))'),
      0,
      900_000,
      300_000,
      source,
    );
    expect(r).toEqual([
      {
        metric: {},
        points: [
          [300_000, 12],
          [600_000, 12],
          [900_000, 12],
        ],
      },
    ]);
  });

  it('refuses more than 11,000 points per series', () => {
    expect(() =>
      evaluateRange(parsePromQL('c'), 0, MAX_POINTS * 1000, 1000, source),
    ).toThrow(/exceeded maximum resolution of 11,000 points/);
    expect(
      evaluateRange(
        parsePromQL('sum(c{pod="a"})'),
        0,
        (MAX_POINTS - 1) * 1000,
        1000,
        source,
      )[0].points,
    ).toHaveLength(MAX_POINTS);
  });
});
